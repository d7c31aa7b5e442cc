//! A small, deterministic value synthesizer (#17): for a schema of a normalized OpenAPI
//! 3.0 document, a JSON value that satisfies it. The foundation of a generated
//! conformance suite and of typed mocks: [`Synth::value`] for one schema,
//! [`Synth::request`] and [`Synth::response`] for an operation.
//!
//! The rules, in order; the first that gives a value wins:
//!
//! 1. `$ref` is followed (chains too); a reference already being expanded is a cycle
//!    ([`SynthError::Recursion`]), which the enclosing schema absorbs where it can: an
//!    optional property is left out, an array that may be empty is `[]`, a `nullable`
//!    schema is `null`, a `oneOf`/`anyOf` tries its next variant.
//! 2. `example`, if it fits the schema (its JSON type, `null` only when `nullable`, a
//!    member of `enum` when there is one; otherwise skipped).
//! 3. The first fitting entry of `examples`: an array of values, or a map of Example
//!    objects with `value` (also on a media type or parameter, before its schema).
//! 4. `default`, if it fits.
//! 5. `enum`: its first value, skipping `null` when a non-null value exists.
//! 6. `allOf`: the members (and the schema's own keywords) merged into one schema
//!    (properties, `required`, the first `type`/format/bounds), then synthesized; the
//!    members' own examples and defaults are not used for the whole.
//! 7. `oneOf`/`anyOf`: the first variant that synthesizes, merged with the schema's own
//!    keywords (a base object beside the `oneOf`); a `discriminator`'s property is set
//!    to the mapping key of the chosen variant (or its component name). For `oneOf`,
//!    the first variant whose value every other variant surely refuses (it lacks a
//!    property they require, or has another JSON type) comes first, since `oneOf`
//!    forbids a second match; when none is, the first that synthesizes.
//! 8. From `type` (inferred from `properties`/`items` when absent; an untyped schema is
//!    `{}`):
//!    - `string`: `pattern` first (a string the regex generates, see below), else a
//!      fixed sample per `format` (`date-time` `2024-01-01T00:00:00Z`, `date`, `time`,
//!      `uuid`, `email`, `uri`/`url`/`uri-reference`, `hostname`, `ipv4`, `ipv6`,
//!      `byte` (base64), `binary`, `password`), else `"string"`; `minLength`/
//!      `maxLength` respected (a plain string is padded or cut, a format sample out of
//!      bounds becomes a plain string);
//!    - `integer`/`number`: 1 moved into `minimum`/`maximum` (exclusive bounds as the
//!      3.0 booleans) and onto a `multipleOf`;
//!    - `boolean`: `true`;
//!    - `array`: `minItems` items (one when it is 0 or absent), at most `maxItems`;
//!      with `uniqueItems`, distinct items (enum values, numbers or suffixed strings);
//!    - `object`: the `required` properties (every declared one with
//!      [`Synth::with_optional`]), in declared order; `readOnly` properties are left
//!      out of requests and `writeOnly` ones out of responses, and each is always
//!      present on its own side (normalization takes them out of `required`, where
//!      OpenAPI 3.0 makes them required on that side only); `additionalProperties`
//!      only when there are no properties (one entry, key `"key"`).
//!
//! `nullable` never forces `null`: only the spec's own `example`/`default` of `null`, or
//! an ended cycle, gives it. Patterns are sampled with `rand_regex` over the
//! pattern's `regex-syntax` tree with every character class narrowed to printable ASCII
//! where it has any, from a PCG32 generator seeded with a hash of the pattern alone: the
//! same schema gives the same string wherever it appears, on every run and machine.
//! Nothing depends on hash-map order (the document keeps its key order), so the same
//! document gives byte-identical output. Nesting is capped ([`DEFAULT_MAX_DEPTH`]), and
//! no input makes it panic.

use rand::distr::Distribution;
use rand_pcg::Pcg32;
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};

use serde_json::{Map, Number, Value, json};

use crate::error::pointer_token;
use crate::normalize::walk;

/// How deep schemas may nest before [`SynthError::Depth`].
pub const DEFAULT_MAX_DEPTH: usize = 48;

/// How many times a pattern is sampled to find a string within the length bounds.
const PATTERN_TRIES: usize = 64;

/// Longest repetition a pattern's `*`/`+`/`{n,}` is sampled with.
const PATTERN_MAX_REPEAT: u32 = 8;

/// Why no value could be synthesized; every variant names the JSON pointer of the
/// schema (or operation) in the document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthError {
    /// A `$ref` points at nothing in the document.
    #[error("{pointer}: `$ref` `{reference}` points at nothing")]
    Unresolved {
        /// Where the reference is.
        pointer: String,
        /// The reference.
        reference: String,
    },
    /// A required value would expand a reference that is already being expanded.
    #[error("{pointer}: required value recurses into itself")]
    Recursion {
        /// The reference target that recurs.
        pointer: String,
    },
    /// Schemas nest deeper than the limit.
    #[error("{pointer}: schemas nest deeper than {limit}")]
    Depth {
        /// The schema at the limit.
        pointer: String,
        /// The limit.
        limit: usize,
    },
    /// `pattern` is not a regex `regex-syntax` parses, or no sample fits the length bounds.
    #[error("{pointer}: pattern `{pattern}`: {message}")]
    Pattern {
        /// The schema.
        pointer: String,
        /// The pattern.
        pattern: String,
        /// What failed.
        message: String,
    },
    /// The schema's constraints admit no value this synthesizer can find.
    #[error("{pointer}: {reason}")]
    Unsatisfiable {
        /// The schema.
        pointer: String,
        /// Which constraints.
        reason: String,
    },
    /// No `oneOf`/`anyOf` variant synthesizes; the first variant's error.
    #[error("{pointer}: no variant synthesizes (first: {first})")]
    NoVariant {
        /// The schema with the variants.
        pointer: String,
        /// The first variant's error.
        first: Box<SynthError>,
    },
    /// The document has no such operation.
    #[error("no operation {method} {path}")]
    NoOperation {
        /// Path template.
        path: String,
        /// Lower-case method.
        method: String,
    },
    /// The operation documents no such response status.
    #[error("{pointer}: no response {status}")]
    NoResponse {
        /// The operation's `responses`.
        pointer: String,
        /// The status asked for.
        status: String,
    },
}

/// A request for one operation: parameter values by name, in declared order, and the
/// body with the media type it is sent as.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct RequestSample {
    /// Path parameters (every one: they are always required).
    pub path: Map<String, Value>,
    /// Query parameters.
    pub query: Map<String, Value>,
    /// Header parameters.
    pub headers: Map<String, Value>,
    /// The body, when the operation has one and it is required (or all optional
    /// values were asked for).
    pub body: Option<Value>,
    /// The body's media type, e.g. `application/json`.
    pub media_type: Option<String>,
}

impl RequestSample {
    /// Every value by the name its builder setter goes by: path, query and header
    /// parameters in that order, then the body as `body`.
    pub fn values(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.path
            .iter()
            .chain(&self.query)
            .chain(&self.headers)
            .map(|(name, value)| (name.as_str(), value))
            .chain(self.body.as_ref().map(|b| ("body", b)))
    }
}

/// Which side of the wire a value is for: `readOnly` properties are not sent in
/// requests, `writeOnly` ones are not returned in responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Any,
    Request,
    Response,
}

/// The walk's state: references being expanded, depth, side, optional properties.
struct Cx {
    stack: Vec<String>,
    depth: usize,
    side: Side,
    optional: bool,
}

type Res<T> = Result<T, SynthError>;

/// The synthesizer over one normalized OpenAPI 3.0 document (see the module docs for
/// the rules).
#[derive(Debug, Clone)]
pub struct Synth<'a> {
    doc: &'a Value,
    optional: bool,
    always_body: bool,
    max_depth: usize,
}

impl<'a> Synth<'a> {
    /// A synthesizer over `doc` (a [`Normalized`](crate::Normalized) document), with
    /// required properties only and [`DEFAULT_MAX_DEPTH`].
    pub fn new(doc: &'a Value) -> Self {
        Synth {
            doc,
            optional: false,
            always_body: false,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }

    /// Include every declared property (`true`), or only required ones (`false`, the
    /// default). An optional property that recurses is left out either way.
    pub fn with_optional(mut self, optional: bool) -> Self {
        self.optional = optional;
        self
    }

    /// Give [`Synth::request`] a body whenever the operation has one, even an optional
    /// one without `all_optional` (progenitor's builders always need one).
    pub fn with_body(mut self, always: bool) -> Self {
        self.always_body = always;
        self
    }

    /// How deep schemas may nest before [`SynthError::Depth`].
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// A value for `schema` (a schema object or a `$ref` into the document).
    pub fn value(&self, schema: &Value) -> Res<Value> {
        let mut cx = self.cx(Side::Any, self.optional);
        self.schema(schema, "", &mut cx)
    }

    /// A request for the operation `method` `path` (as written in `paths`): required
    /// parameters (and every optional one with `all_optional`), and the body when it is
    /// required or `all_optional`; `all_optional` also decides the body's optional
    /// properties. A parameter's own `example`/`examples` come before its schema, as do
    /// the media type's for the body.
    pub fn request(&self, path: &str, method: &str, all_optional: bool) -> Res<RequestSample> {
        let (op, ptr) = self.operation(path, method)?;
        let mut cx = self.cx(Side::Request, all_optional);
        let mut out = RequestSample::default();
        if let Some(Value::Array(params)) = op.get("parameters") {
            for (i, param) in params.iter().enumerate() {
                let (param, pptr) = self.deref(param, &format!("{ptr}/parameters/{i}"))?;
                let (Some(name), Some(place)) = (
                    param.get("name").and_then(Value::as_str),
                    param.get("in").and_then(Value::as_str),
                ) else {
                    continue;
                };
                let required = param.get("required").and_then(Value::as_bool) == Some(true);
                if !(required || all_optional || place == "path") {
                    continue;
                }
                let target = match place {
                    "path" => &mut out.path,
                    "query" => &mut out.query,
                    "header" => &mut out.headers,
                    _ => continue,
                };
                let value = self
                    .holder(param, &pptr, &mut cx)?
                    .unwrap_or(json!("string"));
                target.insert(name.to_owned(), value);
            }
        }
        if let Some(body) = op.get("requestBody") {
            let (body, bptr) = self.deref(body, &format!("{ptr}/requestBody"))?;
            let required = body.get("required").and_then(Value::as_bool) == Some(true);
            if (required || all_optional || self.always_body)
                && let Some((media, m)) = pick_media(body)
            {
                let mptr = format!("{bptr}/content/{}", pointer_token(media));
                out.body = self.media(m, &mptr, &mut cx)?;
                out.media_type = Some(media.to_owned());
            }
        }
        Ok(out)
    }

    /// The documented body of the `status` response (`"200"`, `"2XX"`, `"default"`;
    /// a status without its own entry falls back to its `NXX` range, then `default`) of
    /// the operation: `None` when that response has no body. JSON is preferred, else the
    /// first media type with a schema. Optional properties follow
    /// [`Synth::with_optional`].
    pub fn response(&self, path: &str, method: &str, status: &str) -> Res<Option<Value>> {
        let (op, ptr) = self.operation(path, method)?;
        let responses = op.get("responses").and_then(Value::as_object);
        let range = status
            .get(..1)
            .map(|d| format!("{d}XX"))
            .unwrap_or_default();
        let found = [status, range.as_str(), "default"]
            .into_iter()
            .find_map(|key| responses?.get(key).map(|r| (key, r)));
        let Some((key, response)) = found else {
            return Err(SynthError::NoResponse {
                pointer: format!("{ptr}/responses"),
                status: status.to_owned(),
            });
        };
        let (response, rptr) = self.deref(response, &format!("{ptr}/responses/{key}"))?;
        let Some((media, m)) = pick_media(response) else {
            return Ok(None);
        };
        let mut cx = self.cx(Side::Response, self.optional);
        self.media(
            m,
            &format!("{rptr}/content/{}", pointer_token(media)),
            &mut cx,
        )
    }

    fn cx(&self, side: Side, optional: bool) -> Cx {
        Cx {
            stack: vec![],
            depth: 0,
            side,
            optional,
        }
    }

    fn operation(&self, path: &str, method: &str) -> Res<(&'a Value, String)> {
        let method = method.to_ascii_lowercase();
        self.doc
            .get("paths")
            .and_then(|p| p.get(path))
            .and_then(|item| item.get(&method))
            .filter(|op| op.is_object())
            .map(|op| (op, format!("/paths/{}/{method}", pointer_token(path))))
            .ok_or_else(|| SynthError::NoOperation {
                path: path.to_owned(),
                method,
            })
    }

    /// `v` with its `$ref`s followed, and the pointer of what was reached.
    fn deref<'b>(&'b self, v: &'b Value, ptr: &str) -> Res<(&'b Value, String)> {
        let (target, last) = walk::resolve(v, self.doc);
        if let Some(reference) = target.get("$ref").and_then(Value::as_str) {
            return Err(SynthError::Unresolved {
                pointer: ptr.to_owned(),
                reference: reference.to_owned(),
            });
        }
        let ptr = match last {
            Some(r) => r.trim_start_matches('#').to_owned(),
            None => ptr.to_owned(),
        };
        Ok((target, ptr))
    }

    /// A parameter or header: its `example`, `examples`, then `schema` or `content`.
    fn holder(&self, holder: &Value, ptr: &str, cx: &mut Cx) -> Res<Option<Value>> {
        let schema = holder.get("schema");
        let fits_schema = |v: &Value| match schema {
            Some(s) => self.deref(s, ptr).is_ok_and(|(s, _)| fits(s, v)),
            None => true,
        };
        if let Some(v) = from_examples(holder).into_iter().find(|v| fits_schema(v)) {
            return Ok(Some(v.clone()));
        }
        if let Some(s) = schema {
            return self.schema(s, &format!("{ptr}/schema"), cx).map(Some);
        }
        match pick_media(holder) {
            Some((media, m)) => {
                self.media(m, &format!("{ptr}/content/{}", pointer_token(media)), cx)
            }
            None => Ok(None),
        }
    }

    /// A media type object: its `example`/`examples` when they fit, then its schema.
    fn media(&self, m: &Value, ptr: &str, cx: &mut Cx) -> Res<Option<Value>> {
        self.holder(m, ptr, cx)
    }

    /// One schema, `$ref` or not.
    fn schema(&self, schema: &Value, ptr: &str, cx: &mut Cx) -> Res<Value> {
        if cx.depth >= self.max_depth {
            return Err(SynthError::Depth {
                pointer: ptr.to_owned(),
                limit: self.max_depth,
            });
        }
        let (target, tptr) = self.deref(schema, ptr)?;
        let is_ref = tptr != ptr;
        if is_ref && cx.stack.contains(&tptr) {
            return Err(SynthError::Recursion { pointer: tptr });
        }
        if is_ref {
            cx.stack.push(tptr.clone());
        }
        cx.depth += 1;
        let out = self.resolved(target, &tptr, cx);
        cx.depth -= 1;
        if is_ref {
            cx.stack.pop();
        }
        match out {
            Err(SynthError::Recursion { .. } | SynthError::Depth { .. })
                if target.get("nullable").and_then(Value::as_bool) == Some(true) =>
            {
                Ok(Value::Null)
            }
            other => other,
        }
    }

    /// A schema object (no `$ref` at its top).
    fn resolved(&self, s: &Value, ptr: &str, cx: &mut Cx) -> Res<Value> {
        let Value::Object(obj) = s else {
            // `true`/`false` schemas and junk: anything goes.
            return Ok(json!({}));
        };
        if let Some(v) = obj.get("example").filter(|v| fits(s, v)) {
            return Ok(v.clone());
        }
        if let Some(v) = from_examples(s).into_iter().find(|v| fits(s, v)) {
            return Ok(v.clone());
        }
        if let Some(v) = obj.get("default").filter(|v| fits(s, v)) {
            return Ok(v.clone());
        }
        if let Some(Value::Array(values)) = obj.get("enum")
            && let Some(v) = values.iter().find(|v| !v.is_null()).or(values.first())
        {
            return Ok(v.clone());
        }
        if obj.get("allOf").is_some_and(Value::is_array) {
            let mut refs = vec![];
            let merged = self.merge_all_of(s, ptr, 0, &mut refs)?;
            return self.with_refs(refs, ptr, cx, |me, cx| me.built(&merged, ptr, cx));
        }
        self.built(obj, ptr, cx)
    }

    /// `oneOf`/`anyOf`: the first variant that synthesizes, merged with the schema's
    /// other keywords.
    fn variants(
        &self,
        obj: &Map<String, Value>,
        key: &str,
        variants: &[Value],
        ptr: &str,
        cx: &mut Cx,
    ) -> Res<Value> {
        let mut base: Map<String, Value> = obj.clone();
        base.remove(key);
        let has_base = base.keys().any(|k| {
            matches!(
                k.as_str(),
                "properties" | "required" | "type" | "allOf" | "additionalProperties"
            )
        });
        let mut first = None;
        // `oneOf` wants exactly one match: the first variant whose value every other
        // variant refuses wins over the first that merely synthesizes.
        let mut fallback: Option<Value> = None;
        for (i, variant) in variants.iter().enumerate() {
            let vptr = format!("{ptr}/{key}/{i}");
            let result = if has_base {
                // The variant and the base, as one `allOf`.
                let wrapper = json!({"allOf": [Value::Object(base.clone()), variant]});
                let mut refs = vec![];
                self.merge_all_of(&wrapper, &vptr, 0, &mut refs)
                    .and_then(|merged| {
                        self.with_refs(refs, &vptr, cx, |me, cx| me.built(&merged, &vptr, cx))
                    })
            } else {
                self.schema(variant, &vptr, cx)
            };
            match result {
                Ok(mut v) => {
                    discriminate(obj, variant, &mut v);
                    let exclusive = key != "oneOf"
                        || variants
                            .iter()
                            .enumerate()
                            .all(|(j, other)| j == i || self.refuses(other, &v));
                    if exclusive {
                        return Ok(v);
                    }
                    fallback.get_or_insert(v);
                }
                Err(e) => {
                    first.get_or_insert(e);
                }
            }
        }
        if let Some(v) = fallback {
            return Ok(v);
        }
        Err(match first {
            Some(first) => SynthError::NoVariant {
                pointer: ptr.to_owned(),
                first: Box::new(first),
            },
            None => SynthError::Unsatisfiable {
                pointer: ptr.to_owned(),
                reason: format!("`{key}` has no variant"),
            },
        })
    }

    /// Whether the schema `other` surely refuses `v`, by what a value of one variant
    /// lacks for another: a property `other` requires (its `allOf` members' and
    /// `$ref`s' too), or its JSON type. Conservative: `false` when unsure. A value
    /// refused this way is refused by the generated untagged enum's other variants
    /// too (a required field missing, a type that does not deserialize), so it
    /// round-trips through the client's type as the variant it was built for.
    fn refuses(&self, other: &Value, v: &Value) -> bool {
        let mut required = vec![];
        let mut types = vec![];
        self.shape(other, 0, &mut required, &mut types);
        let wrong_type = types.iter().any(|t| !fits_type(Some(t), v));
        let missing = v
            .as_object()
            .is_some_and(|fields| required.iter().any(|r| !fields.contains_key(r)));
        wrong_type || missing
    }

    /// The `required` names and `type`s of `schema`, through `$ref`s and `allOf`.
    fn shape(
        &self,
        schema: &Value,
        depth: usize,
        required: &mut Vec<String>,
        types: &mut Vec<String>,
    ) {
        if depth > self.max_depth {
            return;
        }
        let (schema, _) = walk::resolve(schema, self.doc);
        // A `$ref` left is one to nothing: nothing is known of it.
        let Some(obj) = schema.as_object().filter(|o| !o.contains_key("$ref")) else {
            return;
        };
        if let Some(Value::Array(names)) = obj.get("required") {
            required.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if let Some(t) = type_of(obj) {
            types.push(t.to_owned());
        }
        for member in obj
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.shape(member, depth + 1, required, types);
        }
    }

    /// Runs `f` with `refs` (the references an `allOf` merge went through) on the
    /// stack, so a merged schema still ends its cycles.
    fn with_refs(
        &self,
        refs: Vec<String>,
        ptr: &str,
        cx: &mut Cx,
        f: impl FnOnce(&Self, &mut Cx) -> Res<Value>,
    ) -> Res<Value> {
        if let Some(r) = refs.iter().find(|r| cx.stack.contains(r)) {
            return Err(SynthError::Recursion { pointer: r.clone() });
        }
        if cx.depth >= self.max_depth {
            return Err(SynthError::Depth {
                pointer: ptr.to_owned(),
                limit: self.max_depth,
            });
        }
        let len = cx.stack.len();
        cx.stack.extend(refs);
        cx.depth += 1;
        let out = f(self, cx);
        cx.depth -= 1;
        cx.stack.truncate(len);
        out
    }

    /// `allOf` (nested ones too) flattened into one schema: the schema's own keywords
    /// first, then each member's; properties are unioned (first wins), `required`
    /// joined, and the members' `example`/`examples`/`default` dropped.
    fn merge_all_of(
        &self,
        s: &Value,
        ptr: &str,
        depth: usize,
        refs: &mut Vec<String>,
    ) -> Res<Map<String, Value>> {
        if depth >= self.max_depth {
            return Err(SynthError::Depth {
                pointer: ptr.to_owned(),
                limit: self.max_depth,
            });
        }
        let mut out = Map::new();
        let Value::Object(obj) = s else {
            return Ok(out);
        };
        for (k, v) in obj {
            if k != "allOf" {
                out.insert(k.clone(), v.clone());
            }
        }
        if let Some(Value::Array(members)) = obj.get("allOf") {
            for (i, member) in members.iter().enumerate() {
                let at = format!("{ptr}/allOf/{i}");
                let (member, mptr) = self.deref(member, &at)?;
                if mptr != at && !refs.contains(&mptr) {
                    refs.push(mptr.clone());
                } else if mptr != at {
                    continue; // the same component twice (or a cycle): merged once
                }
                let mut flat = self.merge_all_of(member, &mptr, depth + 1, refs)?;
                for k in ["example", "examples", "default", "title", "description"] {
                    flat.remove(k);
                }
                merge_into(&mut out, flat);
            }
        }
        Ok(out)
    }

    /// The value built from the schema's type and constraints (rule 8), after the
    /// variants of a `oneOf`/`anyOf` (rule 7) if it has them.
    fn built(&self, obj: &Map<String, Value>, ptr: &str, cx: &mut Cx) -> Res<Value> {
        // A merged schema may carry an enum or oneOf from its members.
        if let Some(Value::Array(values)) = obj.get("enum")
            && let Some(v) = values.iter().find(|v| !v.is_null()).or(values.first())
        {
            return Ok(v.clone());
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(variants)) = obj.get(key) {
                return self.variants(obj, key, variants, ptr, cx);
            }
        }
        match type_of(obj) {
            Some("string") => string(obj, ptr),
            Some("integer") => number(obj, ptr, true, 0),
            Some("number") => number(obj, ptr, false, 0),
            Some("boolean") => Ok(Value::Bool(true)),
            Some("array") => self.array(obj, ptr, cx),
            Some("object") => self.object(obj, ptr, cx),
            Some("null") => Ok(Value::Null),
            _ => Ok(json!({})),
        }
    }

    fn array(&self, obj: &Map<String, Value>, ptr: &str, cx: &mut Cx) -> Res<Value> {
        let min = usize_of(obj.get("minItems")).unwrap_or(0);
        let max = usize_of(obj.get("maxItems"));
        if max.is_some_and(|max| max < min) {
            return Err(SynthError::Unsatisfiable {
                pointer: ptr.to_owned(),
                reason: "maxItems < minItems".into(),
            });
        }
        let count = max.map_or(min.max(1), |max| min.max(1).min(max));
        if count == 0 {
            return Ok(json!([]));
        }
        let items = obj.get("items");
        let iptr = format!("{ptr}/items");
        let first = match items {
            Some(items) => self.schema(items, &iptr, cx),
            None => Ok(json!({})),
        };
        let first = match first {
            Ok(v) => v,
            Err(SynthError::Recursion { .. } | SynthError::Depth { .. }) if min == 0 => {
                return Ok(json!([]));
            }
            Err(e) => return Err(e),
        };
        let unique = obj.get("uniqueItems").and_then(Value::as_bool) == Some(true);
        if !unique || count == 1 {
            return Ok(Value::Array(vec![first; count]));
        }
        let item_schema = match items {
            Some(items) => self.deref(items, &iptr)?.0,
            None => &Value::Null,
        };
        let mut out = vec![first];
        for i in 1..count {
            let next = vary(item_schema, &out[0], i, &iptr)?;
            if out.contains(&next) {
                return Err(SynthError::Unsatisfiable {
                    pointer: iptr,
                    reason: format!("cannot find {count} distinct items for uniqueItems"),
                });
            }
            out.push(next);
        }
        Ok(Value::Array(out))
    }

    fn object(&self, obj: &Map<String, Value>, ptr: &str, cx: &mut Cx) -> Res<Value> {
        let required: Vec<&str> = match obj.get("required") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let mut out = Map::new();
        let properties = obj.get("properties").and_then(Value::as_object);
        for (name, prop) in properties.into_iter().flatten() {
            let pptr = format!("{ptr}/properties/{}", pointer_token(name));
            // On the property itself (beside a `$ref`, where normalization keeps it) or
            // on what it refers to.
            let flag = |k: &str| {
                let target = self.deref(prop, &pptr).map(|(t, _)| t).ok();
                [Some(prop), target]
                    .into_iter()
                    .flatten()
                    .any(|s| s.get(k).and_then(Value::as_bool) == Some(true))
            };
            let (hidden, own_side) = match cx.side {
                Side::Request => (flag("readOnly"), flag("writeOnly")),
                Side::Response => (flag("writeOnly"), flag("readOnly")),
                Side::Any => (false, false),
            };
            if hidden {
                continue;
            }
            // Normalization drops one-sided properties from `required` (one Rust type
            // serves both sides); on their own side they are always sent.
            let is_required = required.contains(&name.as_str()) || own_side;
            if !(is_required || cx.optional) {
                continue;
            }
            match self.schema(prop, &pptr, cx) {
                Ok(v) => {
                    out.insert(name.clone(), v);
                }
                Err(SynthError::Recursion { .. } | SynthError::Depth { .. }) if !is_required => {}
                Err(e) => return Err(e),
            }
        }
        if properties.is_none_or(Map::is_empty)
            && let Some(extra @ Value::Object(_)) = obj.get("additionalProperties")
        {
            match self.schema(extra, &format!("{ptr}/additionalProperties"), cx) {
                Ok(v) => {
                    out.insert("key".into(), v);
                }
                Err(SynthError::Recursion { .. } | SynthError::Depth { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Value::Object(out))
    }
}

/// The media type of a body or response to use: `application/json`, else the first
/// one with a schema.
fn pick_media(holder: &Value) -> Option<(&str, &Value)> {
    let content = holder.get("content")?.as_object()?;
    content
        .get_key_value("application/json")
        .or_else(|| content.iter().find(|(_, m)| m.get("schema").is_some()))
        .map(|(k, v)| (k.as_str(), v))
}

/// The values of `example` and `examples` (an array, or a map of Example objects with
/// `value`) on a parameter, media type or schema, in order.
fn from_examples(holder: &Value) -> Vec<&Value> {
    let mut out = vec![];
    if let Some(v) = holder.get("example") {
        out.push(v);
    }
    match holder.get("examples") {
        Some(Value::Array(values)) => out.extend(values),
        Some(Value::Object(map)) => out.extend(map.values().filter_map(|e| e.get("value"))),
        _ => {}
    }
    out
}

/// The schema's `type`, or the one its keywords imply.
fn type_of(obj: &Map<String, Value>) -> Option<&str> {
    if let Some(t) = obj.get("type").and_then(Value::as_str) {
        return Some(t);
    }
    if obj.contains_key("properties") || obj.contains_key("additionalProperties") {
        Some("object")
    } else if obj.contains_key("items") {
        Some("array")
    } else {
        None
    }
}

/// Whether `v` fits the schema's JSON type, `nullable` and `enum` (examples and
/// defaults that do not are skipped).
fn fits(schema: &Value, v: &Value) -> bool {
    // `{"$ref": "examples/a.json"}`: a reference the spec meant, which nothing here
    // follows, not a value of the schema.
    if v.get("$ref").is_some() {
        return false;
    }
    let Some(obj) = schema.as_object() else {
        return true;
    };
    if v.is_null() {
        let nullable = obj.get("nullable").and_then(Value::as_bool) == Some(true);
        let enum_null = obj
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.contains(&Value::Null));
        return nullable || enum_null || type_of(obj).is_none() && !obj.contains_key("enum");
    }
    if let Some(Value::Array(values)) = obj.get("enum")
        && !values.contains(v)
    {
        return false;
    }
    fits_type(type_of(obj), v)
}

/// Whether `v` is of the JSON type `ty` (any type fits `None` or an unknown one).
fn fits_type(ty: Option<&str>, v: &Value) -> bool {
    match ty {
        Some("string") => v.is_string(),
        Some("integer") => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        Some("number") => v.is_number(),
        Some("boolean") => v.is_boolean(),
        Some("array") => v.is_array(),
        Some("object") => v.is_object(),
        _ => true,
    }
}

/// Sets a `discriminator`'s property of a `oneOf` value to the chosen variant's name.
fn discriminate(obj: &Map<String, Value>, variant: &Value, v: &mut Value) {
    let (Some(disc), Some(reference), Value::Object(fields)) = (
        obj.get("discriminator"),
        variant.get("$ref").and_then(Value::as_str),
        v,
    ) else {
        return;
    };
    let Some(property) = disc.get("propertyName").and_then(Value::as_str) else {
        return;
    };
    let mapped = disc
        .get("mapping")
        .and_then(Value::as_object)
        .and_then(|m| m.iter().find(|(_, r)| r.as_str() == Some(reference)))
        .map(|(k, _)| k.as_str());
    let name = mapped.or_else(|| reference.rsplit('/').next());
    if let Some(name) = name
        && fields.get(property).is_none_or(Value::is_string)
    {
        fields.insert(property.to_owned(), json!(name));
    }
}

/// Adds a flattened `allOf` member's keywords to `out`.
fn merge_into(out: &mut Map<String, Value>, member: Map<String, Value>) {
    for (k, v) in member {
        match (k.as_str(), out.get_mut(&k), v) {
            ("properties", Some(Value::Object(mine)), Value::Object(theirs)) => {
                for (name, s) in theirs {
                    mine.entry(name).or_insert(s);
                }
            }
            ("required", Some(Value::Array(mine)), Value::Array(theirs)) => {
                for name in theirs {
                    if !mine.contains(&name) {
                        mine.push(name);
                    }
                }
            }
            (_, Some(_), _) => {}
            (_, None, v) => {
                out.insert(k, v);
            }
        }
    }
}

fn usize_of(v: Option<&Value>) -> Option<usize> {
    v.and_then(Value::as_f64)
        .filter(|f| *f >= 0.0)
        .map(|f| f.ceil().min(1e6) as usize)
}

/// The `i`th distinct item for `uniqueItems`, beside `first`.
fn vary(item: &Value, first: &Value, i: usize, ptr: &str) -> Res<Value> {
    if let Some(Value::Array(values)) = item.get("enum") {
        return values
            .get(i)
            .cloned()
            .ok_or_else(|| SynthError::Unsatisfiable {
                pointer: ptr.to_owned(),
                reason: format!(
                    "uniqueItems needs more items than the {} enum values",
                    values.len()
                ),
            });
    }
    match (item.as_object(), first) {
        (Some(obj), Value::Number(_)) => number(obj, ptr, type_of(obj) == Some("integer"), i),
        (Some(obj), Value::String(s))
            if !obj.contains_key("format") && !obj.contains_key("pattern") =>
        {
            Ok(Value::String(format!("{s}{i}")))
        }
        _ => Err(SynthError::Unsatisfiable {
            pointer: ptr.to_owned(),
            reason: "uniqueItems with more than one item of this schema".into(),
        }),
    }
}

/// A fixed sample for a string `format`.
fn format_sample(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" => "2024-01-01T00:00:00Z",
        "date" => "2024-01-01",
        "time" => "00:00:00Z",
        "uuid" => "00000000-0000-4000-8000-000000000000",
        "email" | "idn-email" => "user@example.com",
        "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => "https://example.com/",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "ip" => "192.0.2.1",
        "byte" => "c3RyaW5n",
        "binary" => "string",
        "password" => "password",
        _ => return None,
    })
}

fn string(obj: &Map<String, Value>, ptr: &str) -> Res<Value> {
    let min = usize_of(obj.get("minLength")).unwrap_or(0);
    let max = usize_of(obj.get("maxLength"));
    if max.is_some_and(|max| max < min) {
        return Err(SynthError::Unsatisfiable {
            pointer: ptr.to_owned(),
            reason: "maxLength < minLength".into(),
        });
    }
    let fits_len = |s: &str| {
        let n = s.chars().count();
        n >= min && max.is_none_or(|max| n <= max)
    };
    let format = obj
        .get("format")
        .and_then(Value::as_str)
        .and_then(format_sample)
        .filter(|s| fits_len(s));
    if let Some(pattern) = obj.get("pattern").and_then(Value::as_str) {
        // A format's sample when the pattern accepts it (`^https://` and `uri`).
        if let Some(sample) =
            format.filter(|s| regex::Regex::new(pattern).is_ok_and(|re| re.is_match(s)))
        {
            return Ok(json!(sample));
        }
        return pattern_sample(pattern, &fits_len)
            .map(Value::String)
            .map_err(|message| SynthError::Pattern {
                pointer: ptr.to_owned(),
                pattern: pattern.to_owned(),
                message,
            });
    }
    if let Some(sample) = format {
        return Ok(json!(sample));
    }
    let mut s = String::from("string");
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = max {
        s.truncate(max);
    }
    Ok(Value::String(s))
}

/// A string `pattern` generates, within the length bounds `fits_len` checks.
fn pattern_sample(pattern: &str, fits_len: &dyn Fn(&str) -> bool) -> Result<String, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string().lines().last().unwrap_or("").trim().to_owned())?;
    let generator =
        rand_regex::Regex::with_hir(ascii(hir), PATTERN_MAX_REPEAT).map_err(|e| e.to_string())?;
    // Anchors and word boundaries are sampled as nothing; the check below keeps only
    // samples the pattern really matches (searched, as JSON Schema does).
    let check = regex::Regex::new(pattern).map_err(|e| e.to_string())?;
    let seed = fnv1a(pattern.as_bytes());
    let mut rng = Pcg32::new(seed, 0x0a02_bdbf_7bb3_c0a7);
    for _ in 0..PATTERN_TRIES {
        let s: String = generator.sample(&mut rng);
        if fits_len(&s) && check.is_match(&s) {
            return Ok(s);
        }
    }
    Err(format!(
        "none of {PATTERN_TRIES} samples matches within minLength/maxLength"
    ))
}

/// `hir` with every Unicode class narrowed to printable ASCII where it has any, so
/// `\d`, `\w` and `.` give readable samples.
fn ascii(hir: Hir) -> Hir {
    match hir.into_kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let mut narrowed = class.clone();
            narrowed.intersect(&ClassUnicode::new([ClassUnicodeRange::new(' ', '~')]));
            if narrowed.ranges().is_empty() {
                Hir::class(Class::Unicode(class))
            } else {
                Hir::class(Class::Unicode(narrowed))
            }
        }
        HirKind::Repetition(mut rep) => {
            rep.sub = Box::new(ascii(*rep.sub));
            Hir::repetition(rep)
        }
        HirKind::Capture(mut cap) => {
            cap.sub = Box::new(ascii(*cap.sub));
            Hir::capture(cap)
        }
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(ascii).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.into_iter().map(ascii).collect()),
        HirKind::Class(class) => Hir::class(class),
        HirKind::Literal(lit) => Hir::literal(lit.0),
        // rand_regex samples no look-around; the caller checks the sample instead.
        HirKind::Look(_) => Hir::empty(),
        HirKind::Empty => Hir::empty(),
    }
}

/// FNV-1a, 64 bits: a fixed hash, the same on every platform and release.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// An integer or number within the bounds and on `multipleOf`: 1 moved into range,
/// then `step` further steps up (distinct items for `uniqueItems`).
fn number(obj: &Map<String, Value>, ptr: &str, integer: bool, step: usize) -> Res<Value> {
    let unsat = |reason: &str| SynthError::Unsatisfiable {
        pointer: ptr.to_owned(),
        reason: reason.to_owned(),
    };
    let flag = |k: &str| obj.get(k).and_then(Value::as_bool) == Some(true);
    let num = |k: &str| obj.get(k).and_then(Value::as_f64).filter(|f| f.is_finite());
    let (mut lo, mut hi) = (num("minimum"), num("maximum"));
    // 3.1-style numeric exclusive bounds, in case a document still has them.
    if let Some(x) = num("exclusiveMinimum") {
        lo = Some(lo.map_or(x, |l| l.max(x)));
    }
    if let Some(x) = num("exclusiveMaximum") {
        hi = Some(hi.map_or(x, |h| h.min(x)));
    }
    let excl_lo = flag("exclusiveMinimum") || num("exclusiveMinimum").is_some();
    let excl_hi = flag("exclusiveMaximum") || num("exclusiveMaximum").is_some();
    let step_size = num("multipleOf").filter(|m| *m > 0.0);
    let unit = step_size.unwrap_or(1.0);
    if integer {
        lo = lo.map(|l| {
            if excl_lo && l.fract() == 0.0 {
                l + 1.0
            } else {
                l.ceil()
            }
        });
        hi = hi.map(|h| {
            if excl_hi && h.fract() == 0.0 {
                h - 1.0
            } else {
                h.floor()
            }
        });
    }
    let ok = |v: f64| {
        lo.is_none_or(|l| if excl_lo && !integer { v > l } else { v >= l })
            && hi.is_none_or(|h| if excl_hi && !integer { v < h } else { v <= h })
    };
    let mut v = 1.0_f64;
    if let Some(l) = lo
        && !ok(v)
    {
        v = match (excl_lo && !integer, hi) {
            (true, Some(h)) => (l + h) / 2.0,
            (true, None) => l + 1.0,
            (false, _) => l,
        };
    }
    if let Some(h) = hi
        && !ok(v)
    {
        v = match (excl_hi && !integer, lo) {
            (true, Some(l)) => (l + h) / 2.0,
            (true, None) => h - 1.0,
            (false, _) => h,
        };
    }
    if let Some(m) = step_size {
        let up = (v / m).ceil() * m;
        v = if ok(up) { up } else { (v / m).floor() * m };
    }
    v += unit * step as f64;
    if !ok(v) || !v.is_finite() {
        return Err(unsat("no value within minimum/maximum/multipleOf"));
    }
    if integer {
        if v.abs() > 9.0e15 {
            return Err(unsat("integer bounds beyond 2^53"));
        }
        return Ok(json!(v as i64));
    }
    Number::from_f64(v)
        .map(Value::Number)
        .ok_or_else(|| unsat("not a finite number"))
}

#[cfg(test)]
mod tests;
