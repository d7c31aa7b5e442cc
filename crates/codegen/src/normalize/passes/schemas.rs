//! Pass `schemas`: rewrites schema objects into shapes typify turns into good Rust
//! types, and makes the generated types tolerant of what providers add later.
//!
//! - A single-`$ref` `allOf` wrapper (`allOf: [{$ref: X}]` with only annotations such as
//!   `description`, `default`, `readOnly` beside it) becomes `$ref: X`, so it does not
//!   produce one more copy of `X`; with `nullable: true` it stays a wrapper (an
//!   `Option<X>`).
//!   An `allOf` member that only annotates (`allOf: [{$ref: X}, {description: d}]`,
//!   Box's way of describing a reference) is dropped first, its description moving up
//!   when the schema has none: typify would make a merged type named after the
//!   property, which can take a component's name (Box's `CollaborationItem`).
//! - `enum` values decide the type: an enum whose values are all numbers is an
//!   integer/number enum whatever its `type` says; otherwise a scalar enum is a string
//!   enum (numbers among the values are written as strings, and `type: integer` with
//!   string values becomes `type: string`); duplicate values are dropped; `null` among
//!   the values becomes `nullable: true`.
//! - Numeric enums lose their `enum` list (kept in the description as "Known values"),
//!   so a value added by the provider still decodes. String enums keep it: the
//!   generator adds an `Unknown(String)` variant to every string enum type instead.
//! - `additionalProperties: false` is dropped: typify would turn it into
//!   `deny_unknown_fields`, and a response gaining a field must not break old clients.
//! - A schema with `properties` but no `type` is an object; `required` names that are
//!   not properties of an object that allows no others are dropped.
//! - A `default` the schema rejects (wrong type, not among the `enum` values) is
//!   dropped; typify refuses a spec over it. So is a `default` beside `anyOf` (OpenAI's
//!   `model: {anyOf: [string, enum], default: gpt-image-1.5}`): typify refuses even a
//!   valid one there.
//! - `minLength`/`minItems`/`minProperties` of 0 are dropped (they constrain nothing).
//! - `{}` and `items: {}` stay as they are: they become `serde_json::Value`.
//! - A string enum value typify cannot name (only symbols: `=`, `<=`, `!=`, `+`; or a
//!   second value with the same Rust name, `a-b` next to `a_b`) becomes a placeholder
//!   `{Word}_apikit_symbol`, with the word from the symbols (`Eq`, `Lt`, `Le`, `Gt`,
//!   `Ge`, `Ne`, `Plus`, ...; one word per character otherwise, `Symbol` for the
//!   unknown) or the Rust name plus a number, and the real value recorded in the
//!   `symbol_values` fact. The `symbols` rewrite names the variant `{Word}` and puts the
//!   real value back into serde, `Display` and `FromStr`.
//! - A `type` that names no OpenAPI 3.0 type (`""`, `"file"` left over, `"any"`) is
//!   dropped: the schema then accepts any value, where typify would panic.
//! - `format: float` on a number becomes `double` (an `f64`: an `f32` refuses values
//!   past its range that a server may send).
//! - A `required` property that is `readOnly` or `writeOnly` is not required: OpenAPI
//!   3.0 makes it required on one side of the wire only, and one Rust type serves both.
//!   Properties an `allOf` member declares count as declared for `required`.
//! - `format` is an annotation: it stays on strings, and on integers and numbers when
//!   typify knows it (`int32`, `int64`, `float`, `double`, ...); anywhere else
//!   (`{type: boolean, format: boolean}`, `{type: object, format: file}`, a `format`
//!   without a `type`) it moves into the description, where typify would panic.
//!   A `date-time` whose `pattern` also accepts a bare date (ShipEngine's `date`:
//!   `2024-01-01` with an optional time) moves there too: a timestamp type would
//!   refuse the dates the pattern allows, so the value stays a string.
//! - A schema without `type` loses the numeric, string and array bounds (`minimum`,
//!   `maxLength`, `pattern`, `minItems`, ...): they apply only to values of one type,
//!   typify panics on them, and a client does not enforce them anyway.
//! - `required` keeps only names of declared `properties` (when there are any), each
//!   once: typify asserts on the others, and a client does not enforce presence of a
//!   field it has no member for.
//! - An `enum` (any values) beside an `allOf` (Discord's `{type: string, enum: [A, B], allOf:
//!   [{$ref: ActionTypes}]}`, a subset of another enum) keeps its `enum` and loses the
//!   `allOf`: the listed values are the values the schema accepts (a value the `allOf`
//!   rejects would make the spec contradict itself), and typify panics on the pair.
//! - An `anyOf`/`oneOf` of one schema and a `null`-only one (OpenAPI 3.1's `anyOf: [X,
//!   {type: "null"}]`, OpenAI's `Metadata`) is that schema with `nullable: true`: merged
//!   into the union's place when inline (its annotations win), `allOf: [X]` otherwise.
//!   progenitor panics on a union as a query parameter ("entered unreachable code"),
//!   and typify makes a needless enum of it elsewhere.
//! - An empty `allOf`, `anyOf` or `oneOf` list is dropped (typify panics on it; an empty
//!   `allOf` constrains nothing, and the empty `anyOf`/`oneOf` a broken spec can carry
//!   is read the same way rather than as "no value at all").
//! - An operation's inline request body that is an `anyOf` of objects becomes a
//!   `oneOf` of them: typify makes an `anyOf` a struct with one optional flattened field
//!   per member (Snyk's `ImportTargetsBody { subtype_0, .., subtype_9 }`), so a caller
//!   could set several at once and send their merge; as an enum the caller sends one
//!   member's value, which the `anyOf` accepts. Response bodies keep `anyOf` (a value
//!   may match several members, and the struct keeps what each reads).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::error::Result;
use crate::normalize::Ctx;
use crate::normalize::walk::{self, Object};

/// Keys beside a single `$ref` in `allOf` that do not change the type.
const WRAPPER_ANNOTATIONS: [&str; 10] = [
    "description",
    "title",
    "default",
    "example",
    "examples",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "xml",
];

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    walk::schemas_mut(doc, &mut |s, _| {
        rewrite(s, &components);
        symbol_values(s, &mut cx.facts.symbol_values);
        Ok(())
    })?;
    walk::operations_mut(doc, &mut |_, _, op, _| {
        request_any_of(op, &components);
        Ok(())
    })
}

/// An inline request body `anyOf` whose members are all objects -> `oneOf`.
fn request_any_of(op: &mut Object, components: &Value) {
    let Some(Value::Object(content)) = op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
    else {
        return;
    };
    for media in content.values_mut() {
        let Some(Value::Object(schema)) = media.get_mut("schema") else {
            continue;
        };
        if schema.contains_key("oneOf") || schema.contains_key("$ref") {
            continue;
        }
        let objects = schema
            .get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|members| {
                members.len() > 1
                    && members.iter().all(|m| {
                        let m = walk::deref(m, components);
                        m.get("type").and_then(Value::as_str) == Some("object")
                            || (m.get("type").is_none() && m.get("properties").is_some())
                    })
            });
        if objects && let Some(members) = schema.remove("anyOf") {
            schema.insert("oneOf".into(), members);
        }
    }
}

/// What marks a placeholder enum value; the `symbols` rewrite strips it again.
pub const SYMBOL_MARK: &str = "_apikit_symbol";

/// The Rust variant name typify derives from an enum value (close enough to its
/// `sanitize` to predict collisions).
fn variant_name(value: &str) -> String {
    use heck::ToPascalCase;
    let name = value
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
        .to_pascal_case();
    match name.chars().next() {
        None => "X".to_owned(),
        Some(c) if !c.is_alphabetic() && c != '_' => format!("X{name}"),
        Some(_) => name,
    }
}

/// A word for a value made of symbols only: `<=` -> `Le`, `!=` -> `Ne`, `+` -> `Plus`.
fn symbol_word(value: &str) -> String {
    let whole = match value {
        "=" | "==" => Some("Eq"),
        "!=" | "<>" => Some("Ne"),
        "<" => Some("Lt"),
        "<=" => Some("Le"),
        ">" => Some("Gt"),
        ">=" => Some("Ge"),
        "" => Some("Empty"),
        _ => None,
    };
    if let Some(w) = whole {
        return w.to_owned();
    }
    value
        .chars()
        .map(|c| match c {
            '=' => "Eq",
            '<' => "Lt",
            '>' => "Gt",
            '!' => "Not",
            '+' => "Plus",
            '-' => "Minus",
            '*' => "Star",
            '/' => "Slash",
            '%' => "Percent",
            '&' => "And",
            '|' => "Or",
            '^' => "Caret",
            '~' => "Tilde",
            '.' => "Dot",
            ',' => "Comma",
            ':' => "Colon",
            ';' => "Semicolon",
            '?' => "Question",
            '@' => "At",
            '#' => "Hash",
            '$' => "Dollar",
            '_' => "Underscore",
            ' ' => "Space",
            '(' | ')' => "Paren",
            '[' | ']' => "Bracket",
            '{' | '}' => "Brace",
            _ => "Symbol",
        })
        .collect()
}

/// String enum values typify cannot name (symbols only, or two values with one Rust
/// name) get a placeholder word in the document (`<=` -> `Le_apikit_symbol`); the
/// placeholder and the real value are recorded, and the `symbols` rewrite gives the
/// variant its word (`Le`) and the wire its real value back.
fn symbol_values(s: &mut Object, recorded: &mut BTreeMap<String, String>) {
    let Some(Value::Array(values)) = s.get_mut("enum") else {
        return;
    };
    if !values.iter().all(Value::is_string) {
        return;
    }
    let mut names: Vec<String> = vec![];
    let mut out = vec![];
    let mut changed = false;
    for v in values.iter() {
        let value = v.as_str().expect("checked above");
        let name = variant_name(value);
        // Symbols get a word even when alone (typify would call `<` just `X`); the
        // empty string keeps typify's `X` unless that collides.
        let symbols_only = !value.is_empty() && !value.chars().any(char::is_alphanumeric);
        if let Some(word) = value.strip_suffix(SYMBOL_MARK) {
            // Already a placeholder (a second normalization run): keep it.
            names.push(word.to_owned());
            out.push(v.clone());
            continue;
        }
        if !symbols_only && !names.contains(&name) {
            names.push(name);
            out.push(v.clone());
            continue;
        }
        let base = if symbols_only {
            symbol_word(value)
        } else {
            name
        };
        let word = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}{n}")))
            .find(|w| !names.contains(w))
            .expect("an unbounded sequence has a free name");
        names.push(word.clone());
        let placeholder = format!("{word}{SYMBOL_MARK}");
        recorded.insert(placeholder.clone(), value.to_owned());
        out.push(Value::String(placeholder));
        changed = true;
    }
    if changed {
        *values = out;
    }
}

/// Numeric formats typify maps to Rust integer and float types.
const NUMERIC_FORMATS: [&str; 12] = [
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float", "double",
    "uint", "int",
];

/// Moves a `format` typify cannot use into the description.
fn format_to_docs(s: &mut Object) {
    // `float` would make an `f32`, which refuses numbers past its range that a server
    // (or Prism, sending -2^128) may write: decode them into an `f64` instead.
    if s.get("type").and_then(Value::as_str) == Some("number")
        && s.get("format").and_then(Value::as_str) == Some("float")
    {
        s.insert("format".into(), "double".into());
    }
    let Some(format) = s.get("format") else {
        return;
    };
    let keep = match s.get("type").and_then(Value::as_str) {
        Some("string") if date_time_allows_a_date(s) => false,
        Some("string") => format.is_string(),
        Some("integer" | "number") => format
            .as_str()
            .is_some_and(|f| NUMERIC_FORMATS.contains(&f)),
        _ => false,
    };
    if keep {
        return;
    }
    let shown = match format {
        Value::String(f) => f.clone(),
        other => other.to_string(),
    };
    s.remove("format");
    let note = format!("Format: `{shown}`.");
    match s.get_mut("description") {
        Some(Value::String(d)) if !d.trim().is_empty() => {
            d.push_str("\n\n");
            d.push_str(&note);
        }
        _ => {
            s.insert("description".into(), note.into());
        }
    }
}

/// A `format: date-time` string whose `pattern` accepts a bare date (`2024-01-01`),
/// which no timestamp type holds. A pattern the `regex` crate cannot read counts as
/// not accepting it.
pub fn date_time_allows_a_date(s: &Object) -> bool {
    s.get("format").and_then(Value::as_str) == Some("date-time")
        && s.get("pattern")
            .and_then(Value::as_str)
            .and_then(|p| regex::Regex::new(p).ok())
            .is_some_and(|r| r.is_match("2024-01-01"))
}

/// Validation keywords that apply to one type only.
const TYPED_BOUNDS: [&str; 11] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// The `type` names OpenAPI 3.0 defines.
pub(crate) const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

fn rewrite(s: &mut Object, components: &Value) {
    union_with_null(s);
    if s.get("type")
        .is_some_and(|t| !t.as_str().is_some_and(|t| TYPES.contains(&t)))
    {
        s.remove("type");
    }
    prune_required(s, components);
    format_to_docs(s);
    if !s.contains_key("type") {
        for key in TYPED_BOUNDS {
            s.remove(key);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if s.get(key)
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            s.remove(key);
        }
    }
    // Lower bounds of 0 constrain nothing, and typify turns them into `len < 0` checks.
    for key in ["minLength", "minItems", "minProperties"] {
        if s.get(key).and_then(Value::as_u64) == Some(0) {
            s.remove(key);
        }
    }
    enum_beside_all_of(s);
    annotation_members(s);
    unwrap_all_of(s);
    enums(s);
    drop_bad_default(s);
    if s.get("additionalProperties") == Some(&Value::Bool(false)) {
        // A closed object requires only declared properties, even with none declared;
        // `allOf` members declare properties too (`allOf: [X], required: [name],
        // additionalProperties: false` requires X's `name`).
        prune_required(s, components);
        s.remove("additionalProperties");
    }
    if s.contains_key("properties") && !s.contains_key("type") && !has_composition(s) {
        s.insert("type".into(), "object".into());
    }
}

/// `required` keeps only names of declared properties, each once, when the object
/// declares properties or allows no others; an emptied list goes. Properties its
/// `allOf` members declare count as declared.
fn prune_required(s: &mut Object, components: &Value) {
    let closed = s.get("additionalProperties") == Some(&Value::Bool(false));
    let mut declared: Vec<String> = match s.get("properties") {
        Some(Value::Object(props)) => props.keys().cloned().collect(),
        _ if closed => vec![],
        _ => return,
    };
    declared_in_all_of(s, components, 0, &mut declared);
    // OpenAPI 3.0: a required `readOnly` property is required in responses only, a
    // `writeOnly` one in requests only; one Rust type serves both, so neither is.
    if let Some(Value::Object(props)) = s.get("properties") {
        declared.retain(|d| !props.get(d).is_some_and(|p| one_sided(p, components)));
    }
    retain_required(s, &declared);
}

/// Whether a property schema is `readOnly` or `writeOnly` (present on one side of the
/// wire only), on itself or on the component its `$ref` names.
fn one_sided(p: &Value, components: &Value) -> bool {
    [p, walk::deref(p, components)].iter().any(|s| {
        ["readOnly", "writeOnly"]
            .iter()
            .any(|k| s.get(*k) == Some(&Value::Bool(true)))
    })
}

/// Names of the properties `s`'s `allOf` members declare (through `$ref`s to
/// components, and their own `allOf`s).
fn declared_in_all_of(s: &Object, components: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > walk::MAX_REF_CHAIN {
        return;
    }
    let Some(Value::Array(members)) = s.get("allOf") else {
        return;
    };
    for member in members {
        let member = walk::deref(member, components);
        let Value::Object(member) = member else {
            continue;
        };
        if let Some(Value::Object(props)) = member.get("properties") {
            out.extend(
                props
                    .iter()
                    .filter(|(_, p)| !one_sided(p, components))
                    .map(|(name, _)| name.clone()),
            );
        }
        declared_in_all_of(member, components, depth + 1, out);
    }
}

/// `required` keeps the names in `declared`, each once; an emptied list goes.
fn retain_required(s: &mut Object, declared: &[String]) {
    let Some(Value::Array(required)) = s.get_mut("required") else {
        return;
    };
    let mut seen: Vec<String> = vec![];
    required.retain(|r| match r.as_str() {
        Some(name) if declared.iter().any(|d| d == name) && !seen.iter().any(|n| n == name) => {
            seen.push(name.to_owned());
            true
        }
        _ => false,
    });
    if required.is_empty() {
        s.remove("required");
    }
}

fn has_composition(s: &Object) -> bool {
    ["allOf", "oneOf", "anyOf", "$ref"]
        .iter()
        .any(|k| s.contains_key(*k))
}

/// A `default` that the schema itself rejects (wrong type, not one of the `enum`
/// values) is dropped: typify refuses the whole spec over it, and a client cannot rely
/// on a default the provider documented wrongly.
fn drop_bad_default(s: &mut Object) {
    let Some(default) = s.get("default") else {
        return;
    };
    let nullable = s.get("nullable") == Some(&Value::Bool(true));
    let fits_type = match s.get("type").and_then(Value::as_str) {
        _ if default.is_null() => nullable,
        Some("string") => default.is_string(),
        Some("integer") => default.is_i64() || default.is_u64(),
        Some("number") => default.is_number(),
        Some("boolean") => default.is_boolean(),
        Some("array") => default.is_array(),
        Some("object") => default.is_object(),
        _ => true,
    };
    let fits_enum = match s.get("enum").and_then(Value::as_array) {
        Some(values) => values.contains(default) || (default.is_null() && nullable),
        None => true,
    };
    // typify makes an `anyOf` a struct of optional members and refuses any default
    // against it ("value does not conform to the given schema"), even a valid one.
    if !(fits_type && fits_enum) || s.contains_key("anyOf") {
        s.remove("default");
    }
}

/// What OpenAPI 3.1's `{type: "null"}` becomes in 3.0 (`{enum: [null], nullable:
/// true}`, or `{nullable: true}` once `enums` has run): a schema for `null` only.
pub(crate) fn null_only(v: &Value) -> bool {
    let Some(o) = v.as_object() else {
        return false;
    };
    o.get("nullable") == Some(&Value::Bool(true))
        && o.get("enum").is_none_or(|e| e == &json!([null]))
        && o.keys()
            .all(|k| k == "nullable" || k == "enum" || WRAPPER_ANNOTATIONS.contains(&k.as_str()))
}

/// `anyOf`/`oneOf` of one schema and `null` is that schema, nullable: merged in when
/// it is inline and the union carries only annotations, else `allOf: [it]` + nullable.
fn union_with_null(s: &mut Object) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = s.get(key) else {
            continue;
        };
        if members.len() < 2 || !members.iter().any(null_only) {
            continue;
        }
        let rest: Vec<&Value> = members.iter().filter(|m| !null_only(m)).collect();
        let [member] = rest.as_slice() else {
            continue;
        };
        let member = (*member).clone();
        let only_annotations = s
            .keys()
            .all(|k| k == key || k == "nullable" || WRAPPER_ANNOTATIONS.contains(&k.as_str()));
        match member {
            Value::Object(m) if only_annotations && !m.contains_key("$ref") => {
                s.remove(key);
                for (k, v) in m {
                    if !s.contains_key(&k) {
                        s.insert(k, v);
                    }
                }
            }
            m if !s.contains_key("allOf") => {
                s.remove(key);
                s.insert("allOf".into(), json!([m]));
            }
            _ => continue,
        }
        s.insert("nullable".into(), true.into());
        return;
    }
}

/// A scalar `enum` decides the values; an `allOf` beside it only restates (part of)
/// them, and typify panics on the pair ("entered unreachable code").
///
/// Any non-empty `enum` counts, not only scalar values: a broken value (`{}`, which a
/// later step turns into a placeholder string) left the pair in place and typify
/// panicked (the property test's seed `731683c1`).
fn enum_beside_all_of(s: &mut Object) {
    let listed = s
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| !values.is_empty());
    if listed && s.contains_key("allOf") {
        s.remove("allOf");
    }
}

/// `allOf` members that only annotate (`{description: ...}` beside a `$ref`, Box's
/// way of describing a reference) constrain nothing: they go, and their description
/// moves up when the schema has none.
fn annotation_members(s: &mut Object) {
    let Some(Value::Array(all)) = s.get_mut("allOf") else {
        return;
    };
    let annotates = |m: &Value| {
        m.as_object().is_some_and(|o| {
            !o.is_empty() && o.keys().all(|k| WRAPPER_ANNOTATIONS.contains(&k.as_str()))
        })
    };
    if all.len() < 2 || !all.iter().any(|m| !annotates(m)) {
        return;
    }
    let mut description = None;
    all.retain(|m| {
        if annotates(m) {
            if description.is_none() {
                description = m.get("description").cloned();
            }
            false
        } else {
            true
        }
    });
    if let Some(d) = description
        && !s.contains_key("description")
    {
        s.insert("description".into(), d);
    }
}

fn unwrap_all_of(s: &mut Object) {
    let Some(Value::Array(all)) = s.get("allOf") else {
        return;
    };
    if all.len() != 1
        || all[0].get("$ref").is_none()
        || all[0].as_object().map(|o| o.len()) != Some(1)
    {
        return;
    }
    let only_annotations = s
        .keys()
        .all(|k| k == "allOf" || WRAPPER_ANNOTATIONS.contains(&k.as_str()));
    if !only_annotations {
        return;
    }
    let reference = all[0]["$ref"].clone();
    // `readOnly`/`writeOnly` stay beside the `$ref`: progenitor ignores them there, and
    // the value synthesizer needs them to leave server-set fields out of requests.
    let access: Vec<(String, Value)> = ["readOnly", "writeOnly"]
        .into_iter()
        .filter_map(|k| {
            s.get(k)
                .filter(|v| *v == &Value::Bool(true))
                .map(|v| (k.to_owned(), v.clone()))
        })
        .collect();
    s.clear();
    s.insert("$ref".into(), reference);
    s.extend(access);
}

fn enums(s: &mut Object) {
    let Some(Value::Array(values)) = s.get("enum").cloned() else {
        return;
    };
    let has_null = values.iter().any(Value::is_null);
    let mut rest: Vec<Value> = vec![];
    for v in values.into_iter().filter(|v| !v.is_null()) {
        if !rest.contains(&v) {
            rest.push(v);
        }
    }
    if has_null {
        s.insert("nullable".into(), true.into());
    }
    if rest.is_empty() {
        // Only null: any value that is null; nothing to enumerate.
        s.remove("enum");
        return;
    }
    let all_ints = rest.iter().all(|v| v.is_i64() || v.is_u64());
    let all_numbers = rest.iter().all(Value::is_number);
    let declared = s.get("type").and_then(Value::as_str).map(str::to_owned);
    let scalar = matches!(
        declared.as_deref(),
        Some("integer") | Some("number") | Some("string") | None
    );
    if scalar && all_numbers {
        let ty = if all_ints && declared.as_deref() != Some("number") {
            "integer"
        } else {
            "number"
        };
        s.insert("type".into(), ty.into());
        let known: Vec<String> = rest.iter().map(Value::to_string).collect();
        let note = format!("Known values: {}.", known.join(", "));
        let description = match s.get("description").and_then(Value::as_str) {
            Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
            _ => note,
        };
        s.insert("description".into(), description.into());
        s.remove("enum");
        return;
    }
    if scalar {
        let strings: Vec<Value> = rest
            .into_iter()
            .map(|v| match v {
                Value::String(_) => v,
                other => Value::String(other.to_string()),
            })
            .collect();
        let mut unique: Vec<Value> = vec![];
        for v in strings {
            if !unique.contains(&v) {
                unique.push(v);
            }
        }
        s.insert("type".into(), "string".into());
        s.insert("enum".into(), json!(unique));
    } else {
        s.insert("enum".into(), json!(rest));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn one(schema: Value) -> Value {
        let mut doc = json!({"components": {"schemas": {"S": schema}}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        doc["components"]["schemas"]["S"].take()
    }

    #[test]
    fn a_date_time_whose_pattern_allows_a_bare_date_is_a_string() {
        let date = json!({"type": "string", "format": "date-time",
            "pattern": "^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}:\\d{2}Z)?$"});
        let out = one(date);
        assert!(out.get("format").is_none(), "{out}");
        assert!(out["description"].as_str().unwrap().contains("`date-time`"));
        let stamp = json!({"type": "string", "format": "date-time",
            "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$"});
        assert_eq!(one(stamp)["format"], "date-time");
        let unreadable = json!({"type": "string", "format": "date-time", "pattern": "(?<=x)"});
        assert_eq!(one(unreadable)["format"], "date-time");
    }

    #[test]
    fn required_counts_all_of_members_and_leaves_out_one_sided_properties() {
        let mut doc = json!({"components": {"schemas": {
            "T": {"type": "object", "properties": {
                "name": {"type": "string"},
                "id": {"type": "string", "readOnly": true}}},
            "S": {"type": "object", "allOf": [{"$ref": "#/components/schemas/T"}],
                  "required": ["name", "id", "ghost"], "additionalProperties": false},
            "U": {"type": "object", "required": ["a", "w"], "properties": {
                "a": {"type": "string"},
                "w": {"type": "string", "writeOnly": true}}}}}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let schemas = &doc["components"]["schemas"];
        // `name` is T's; `id` is read-only; `ghost` is declared nowhere.
        assert_eq!(schemas["S"]["required"], json!(["name"]));
        assert_eq!(schemas["U"]["required"], json!(["a"]));
    }

    #[test]
    fn all_of_wrappers() {
        let r = json!({"$ref": "#/components/schemas/T"});
        assert_eq!(
            one(json!({"allOf": [r], "description": "d", "default": "x"})),
            r
        );
        // `readOnly` (and `writeOnly`) stay beside the `$ref`, for the synthesizer.
        assert_eq!(
            one(json!({"allOf": [r], "description": "d", "readOnly": true})),
            json!({"$ref": "#/components/schemas/T", "readOnly": true})
        );
        let nullable = json!({"allOf": [r], "nullable": true});
        assert_eq!(one(nullable.clone()), nullable);
        let two = json!({"allOf": [r, {"type": "object"}]});
        assert_eq!(one(two.clone()), two);
        assert_eq!(
            one(json!({"allOf": [r, {"description": "d"}], "nullable": true})),
            json!({"allOf": [r], "nullable": true, "description": "d"})
        );
        assert_eq!(one(json!({"allOf": [{"description": "d"}, r]})), r);
    }

    #[test]
    fn a_union_with_null_is_the_other_member_nullable() {
        let map = json!({"type": "object", "additionalProperties": {"type": "string"}});
        assert_eq!(
            one(json!({"description": "d", "anyOf": [map, {"enum": [null], "nullable": true}]})),
            json!({"description": "d", "type": "object", "additionalProperties": {"type": "string"}, "nullable": true})
        );
        let r = json!({"$ref": "#/components/schemas/T"});
        assert_eq!(
            one(json!({"oneOf": [{"nullable": true}, r]})),
            json!({"allOf": [r], "nullable": true})
        );
        // Two real members stay a union.
        let two = json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"nullable": true}]});
        assert_eq!(one(two.clone()), two);
    }

    #[test]
    fn an_enum_beside_all_of_keeps_its_values() {
        let r = json!({"$ref": "#/components/schemas/Kinds"});
        assert_eq!(
            one(json!({"type": "string", "enum": ["a", "b"], "allOf": [r]})),
            json!({"type": "string", "enum": ["a", "b"]})
        );
        // Without an enum the allOf stays.
        let plain = json!({"type": "string", "allOf": [r]});
        assert_eq!(one(plain.clone()), plain);
    }

    #[test]
    fn enum_values_decide_the_type() {
        assert_eq!(
            one(json!({"type": "string", "enum": [10, 20, 30]})),
            json!({"type": "integer", "description": "Known values: 10, 20, 30."})
        );
        assert_eq!(
            one(json!({"type": "string", "enum": [null, "trial", "plan", "trial"]})),
            json!({"type": "string", "enum": ["trial", "plan"], "nullable": true})
        );
        assert_eq!(
            one(json!({"type": "string", "enum": ["", "a", 1]})),
            json!({"type": "string", "enum": ["", "a", "1"]})
        );
    }

    #[test]
    fn enum_values_win_over_a_wrong_type_and_bad_defaults_go() {
        assert_eq!(
            one(json!({"type": "integer", "enum": ["created", "found"]})),
            json!({"type": "string", "enum": ["created", "found"]})
        );
        assert_eq!(
            one(json!({"type": "boolean", "default": "false"})),
            json!({"type": "boolean"})
        );
        assert_eq!(
            one(json!({"type": "string", "enum": ["a"], "default": "b"})),
            json!({"type": "string", "enum": ["a"]})
        );
        let ok = json!({"type": "string", "nullable": true, "default": null});
        assert_eq!(one(ok.clone()), ok);
        let any_of = json!([{"type": "string"}, {"type": "string", "enum": ["a", "b"]}]);
        assert_eq!(
            one(json!({"anyOf": any_of, "default": "a"})),
            json!({"anyOf": any_of})
        );
        let one_of = json!({"oneOf": any_of, "default": "a"});
        assert_eq!(
            one(one_of.clone()),
            one_of,
            "typify accepts it beside oneOf"
        );
    }

    #[test]
    fn closed_objects_open_up() {
        assert_eq!(
            one(
                json!({"properties": {"a": {"type": "string"}}, "additionalProperties": false, "required": ["a", "ghost"]})
            ),
            json!({"properties": {"a": {"type": "string"}}, "required": ["a"], "type": "object"})
        );
        assert_eq!(
            one(json!({"type": "string", "minLength": 0, "maxLength": 3})),
            json!({"type": "string", "maxLength": 3})
        );
        let map = json!({"type": "object", "additionalProperties": {"type": "string"}});
        assert_eq!(one(map.clone()), map);
    }

    #[test]
    fn an_any_of_request_body_of_objects_is_a_one_of_and_responses_keep_any_of() {
        let a = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let b = json!({"properties": {"b": {"type": "string"}}});
        let any = json!({"anyOf": [a, b]});
        let mut doc = json!({"paths": {"/x": {"post": {
            "requestBody": {"content": {"application/json": {"schema": any.clone()}}},
            "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": any.clone()}}}}}}}});
        crate::normalize::run_alone(run, &mut doc, std::path::Path::new("x.yaml")).unwrap();
        let op = &doc["paths"]["/x"]["post"];
        let body = &op["requestBody"]["content"]["application/json"]["schema"];
        assert!(
            body.get("anyOf").is_none() && body["oneOf"].is_array(),
            "{body}"
        );
        let response = &op["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(response["anyOf"].is_array(), "{response}");
        // A member that is not an object keeps the `anyOf`.
        let mut doc = json!({"paths": {"/x": {"post": {
            "requestBody": {"content": {"application/json": {"schema":
                {"anyOf": [{"type": "object"}, {"type": "string"}]}}}}}}}});
        crate::normalize::run_alone(run, &mut doc, std::path::Path::new("x.yaml")).unwrap();
        assert!(
            doc.pointer("/paths/~1x/post/requestBody/content/application~1json/schema/anyOf")
                .is_some()
        );
    }
}
