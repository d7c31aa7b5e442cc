//! Pass `type-names`: typify names each component schema after its key and each inline
//! schema after where it sits (`{parent}_{property}`, `{operation}-response`, ...), in
//! PascalCase, and emits two items with the same name when those collide, which does
//! not compile. This pass removes the collisions it can predict:
//!
//! - component keys equal in PascalCase (`Test_Counts`, `Test_counts`): the empty ones
//!   (`{}`, any value) are dropped and their `$ref`s become `{}`, unless all are empty
//!   (then the first stays); of the rest the first in document order keeps its name,
//!   later ones get `_2`, `_3`, ... and every `$ref` follows;
//! - an inline schema whose derived name is a component's name (property `name` of
//!   `tag` -> `TagName`, next to a component `tag_name`): if it is the same schema
//!   (ignoring descriptions and examples) it becomes a `$ref` to the component,
//!   otherwise it is titled `{derived name} value`;
//! - the same for an inline `title` equal to a component's name (typify prefers titles
//!   over derived names; properties of inline `allOf` members count as the merged
//!   type's own), and two different inline schemas with one title get
//!   `{title} 2`, ... (typify would reuse the first type for the second).
//!
//! - a nullable component schema whose `title` is a component's name in PascalCase
//!   (Box's `File--Base`, titled `File (Base)`) loses the title: typify makes the
//!   component an `Option` newtype named after the key and names the inner struct
//!   after the title, two items `FileBase`; untitled, the inner one is `FileBaseInner`.
//! - a nullable component schema that is a union (`oneOf`/`anyOf` with `nullable:
//!   true`: OpenAI's `RealtimeTurnDetection`, PagerDuty's copied `default_value`)
//!   moves into the component `{key}_value` and the component becomes `allOf:
//!   [{$ref: {key}_value}]` + `nullable` (its description stays): typify emits two
//!   items named after the key for the union, and `U(Option<UValue>)` for this shape.
//!
//! Readable names and one type per concept (#19). typify names a titled schema after
//! its title and reuses the first type registered under a name, so titles are how the
//! pass names types and merges identical ones (a title changes no meaning):
//!
//! - **the component it equals**: an inline object, enum or union whose shape (ignoring
//!   descriptions, titles and examples) is a component's becomes that `$ref`, whatever
//!   the names (`GetOrgAuditLogsBody` -> `OrgAuditLogsFilters`);
//! - **a component request body** gets its key as title when untitled, so every
//!   operation pointing at it shares one type (`CreateScriptTagScriptTag` for
//!   `create_script_tag` and `update_script_tag`, not `CreateScriptTagBody` and
//!   `UpdateScriptTagBody`);
//! - **its property name**: an untitled inline named type under a property is titled
//!   with the property (`script_tag` -> `ScriptTag`), array items with its singular
//!   (`policies` -> `Policy`, `script_tags` -> `ScriptTag`; `monday` -> `MondayItem`),
//!   unless the name is generic (`data`, `type`, `status`, ... in [`GENERIC`]) or taken:
//!   a component, an operation body or response, or an inline schema of another shape
//!   already has it. Then a direct property of an operation body or response tries
//!   `{name} body` / `{name} response` (`ScriptTagBody` beside the response's
//!   `ScriptTag`), and anything else keeps typify's parent-path name. Identical schemas
//!   under one property name are therefore one type (ColorMe's four `script_tag`s);
//!   the first schema of a name in document order (components first, then operations
//!   in path order) keeps it;
//! - **identical siblings**: properties of one object whose schemas (or array items)
//!   are one shape get one title, the words their names end with (`billing_address`,
//!   `shipping_address` -> `address`), else `{parent} item` / `{parent} value`
//!   (ShipEngine's `monday` ... `sunday` opening hours -> `HoursOfOperationItem`);
//! - **union members**: untitled inline members of a `oneOf`/`anyOf` are titled
//!   `{union name} {what tells them apart}` by the rules in [`super::variant_names`]
//!   (`ShipmentIds { .. }`, `Shipments { .. }`); properties or `allOf` beside a union
//!   first move into each member (typify drops the members' titles when it merges them).
//!
//! What is one shape under two names the spec gives (components under different keys,
//! the bodies of two operations) is merged after generation, by the `dedup` rewrite
//! (`crate::rewrite::dedup`): one type, the other names aliases of it.
//!
//! The generator still checks the output for duplicate type names
//! (`render::duplicate_item`) and reports any this pass did not foresee.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde_json::{Map, Value, json};

use crate::error::{Result, pointer_token};
use crate::normalize::Ctx as PassCtx;

/// typify's PascalCase of a name (its `sanitize`, for the ASCII names specs use).
pub fn pascal(name: &str) -> String {
    let cleaned: String = name
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = cleaned.to_pascal_case();
    match out.chars().next() {
        None => "X".into(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("X{out}"),
    }
}

/// The snake_case words several names share at their end, when there are several names
/// and they share some: `[ForbiddenError, NotFoundError]` -> `error`.
pub(crate) fn common_suffix(names: &[String]) -> Option<String> {
    use heck::ToSnakeCase;
    if names.len() < 2 {
        return None;
    }
    let words: Vec<Vec<String>> = names
        .iter()
        .map(|n| n.to_snake_case().split('_').map(str::to_owned).collect())
        .collect();
    let mut common: Vec<String> = vec![];
    for i in 1.. {
        let w: Vec<Option<&String>> = words
            .iter()
            .map(|ws| ws.len().checked_sub(i).map(|j| &ws[j]))
            .collect();
        match w[0] {
            Some(first) if w.iter().all(|x| *x == Some(first)) => common.insert(0, first.clone()),
            _ => break,
        }
    }
    (!common.is_empty()).then(|| common.join("_"))
}

pub fn run(doc: &mut Value, cx: &mut PassCtx<'_>) -> Result<()> {
    split_nullable_unions(doc);
    drop_colliding_empty_components(doc);
    rename_components(doc);
    untitle_nullable_components(doc);
    let components: Map<String, Value> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let names: BTreeMap<String, String> =
        components.keys().map(|k| (pascal(k), k.clone())).collect();
    let schemas = json!({ "schemas": components.clone() });
    // The first component of each shape (named types only), for inline copies of it.
    let mut shapes = BTreeMap::new();
    for (key, c) in &components {
        if let Value::Object(o) = c
            && named_type(o)
        {
            let shape = crate::normalize::walk::shape(c).to_string();
            shapes.entry(shape).or_insert_with(|| key.clone());
        }
    }
    // The names progenitor gives operation bodies and responses.
    let mut reserved = BTreeSet::new();
    for (_, _, op) in crate::normalize::walk::operations(doc) {
        if let Some(id) = op.get("operationId").and_then(Value::as_str) {
            reserved.insert(pascal(&format!("{id}-body")));
            reserved.insert(pascal(&format!("{id}-response")));
        }
    }
    let ctx = Ctx {
        components: &components,
        schemas: &schemas,
        names: &names,
        shapes: &shapes,
        reserved: &reserved,
        titles: Default::default(),
        variant_names: Default::default(),
    };
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (key, schema) in schemas.iter_mut() {
            ctx.children(schema, key, None, None);
        }
    }
    // A component request body serves every operation that points at it: titled after
    // its key, it is one type (`CreateScriptTagScriptTag`) instead of one per
    // operation (`CreateScriptTagBody`, `UpdateScriptTagBody`).
    if let Some(Value::Object(bodies)) = doc.pointer_mut("/components/requestBodies") {
        for (key, body) in bodies.iter_mut() {
            let Some(Value::Object(content)) = body.get_mut("content") else {
                continue;
            };
            for m in content.values_mut() {
                let Some(Value::Object(s)) = m.get_mut("schema") else {
                    continue;
                };
                if named_type(s)
                    && !s.contains_key("title")
                    && ctx.free(
                        key,
                        &crate::normalize::walk::shape(&Value::Object(s.clone())),
                    )
                {
                    s.insert("title".into(), key.clone().into());
                }
                let schema = m.get_mut("schema").expect("matched above");
                ctx.inline(schema, &format!("{key}-body"), None, Some("body"));
            }
        }
    }
    let result = crate::normalize::walk::operations_mut(doc, &mut |_, _, op, _| {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if let Some(Value::Object(content)) =
            op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
        {
            for m in content.values_mut() {
                if let Some(s) = m.get_mut("schema") {
                    ctx.inline(s, &format!("{id}-body"), None, Some("body"));
                }
            }
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for r in responses.values_mut() {
                if let Some(Value::Object(content)) = r.get_mut("content") {
                    for m in content.values_mut() {
                        if let Some(s) = m.get_mut("schema") {
                            ctx.inline(s, &format!("{id}-response"), None, Some("response"));
                        }
                    }
                }
            }
        }
        Ok(())
    });
    cx.facts.variant_names.extend(ctx.variant_names.take());
    result
}

/// A nullable union component becomes a nullable wrapper around `{key}_value`.
fn split_nullable_unions(doc: &mut Value) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let mut names: BTreeSet<String> = schemas.keys().map(|k| pascal(k)).collect();
    let old = std::mem::take(schemas);
    for (key, schema) in old {
        let split = match &schema {
            Value::Object(s) => {
                s.get("nullable") == Some(&Value::Bool(true))
                    && (s.contains_key("oneOf") || s.contains_key("anyOf"))
                    && !s.contains_key("$ref")
                    && !s.contains_key("allOf")
            }
            _ => false,
        };
        if !split {
            schemas.insert(key, schema);
            continue;
        }
        let Value::Object(mut inner) = schema else {
            unreachable!("checked above")
        };
        let base = format!("{key}_value");
        let value_key = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}_{n}")))
            .find(|k| !names.contains(&pascal(k)))
            .expect("an unbounded sequence has a free name");
        names.insert(pascal(&value_key));
        inner.remove("nullable");
        inner.remove("title");
        let mut wrapper = Map::new();
        if let Some(d) = inner.get("description") {
            wrapper.insert("description".into(), d.clone());
        }
        wrapper.insert(
            "allOf".into(),
            json!([{"$ref": format!("#/components/schemas/{}", pointer_token(&value_key))}]),
        );
        wrapper.insert("nullable".into(), true.into());
        schemas.insert(key, Value::Object(wrapper));
        schemas.insert(value_key, Value::Object(inner));
    }
}

/// A nullable component titled with a component's name would give typify's `Option`
/// newtype and its inner struct one name.
fn untitle_nullable_components(doc: &mut Value) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let names: BTreeSet<String> = schemas.keys().map(|k| pascal(k)).collect();
    for schema in schemas.values_mut() {
        let Value::Object(s) = schema else { continue };
        let clashes = s.get("nullable") == Some(&Value::Bool(true))
            && s.get("title")
                .and_then(Value::as_str)
                .is_some_and(|t| names.contains(&pascal(t)));
        if clashes {
            s.remove("title");
        }
    }
}

/// Of component keys equal in PascalCase, the ones that are empty schemas (any value:
/// Snyk's `Aggregated_Project_issues: {}` beside the real `Aggregated_project_issues`)
/// are dropped and every `$ref` to them becomes `{}` (the same meaning), so the real
/// schema keeps its name instead of becoming `AggregatedProjectIssues2`; when all are
/// empty the first stays.
fn drop_colliding_empty_components(doc: &mut Value) {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return;
    };
    let mut groups: BTreeMap<String, Vec<(&String, bool)>> = BTreeMap::new();
    for (key, schema) in schemas {
        let empty = crate::normalize::walk::shape(schema) == json!({});
        groups.entry(pascal(key)).or_default().push((key, empty));
    }
    let mut dropped: BTreeSet<String> = BTreeSet::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        let keep_first_empty = members.iter().all(|(_, empty)| *empty);
        for (i, (key, empty)) in members.iter().enumerate() {
            if *empty && !(keep_first_empty && i == 0) {
                dropped.insert((*key).clone());
            }
        }
    }
    if dropped.is_empty() {
        return;
    }
    let refs: BTreeSet<String> = dropped
        .iter()
        .map(|k| format!("#/components/schemas/{}", pointer_token(k)))
        .collect();
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        schemas.retain(|k, _| !dropped.contains(k));
    }
    inline_refs(doc, &refs);
}

/// Replaces each `$ref` in `refs` anywhere in `v` with `{}`, keeping its siblings.
fn inline_refs(v: &mut Value, refs: &BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            if o.get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| refs.contains(r))
            {
                o.remove("$ref");
            }
            for child in o.values_mut() {
                inline_refs(child, refs);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| inline_refs(c, refs)),
        _ => {}
    }
}

fn rename_components(doc: &mut Value) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let mut used = BTreeSet::new();
    let mut renames: Vec<(String, String)> = vec![];
    let old = std::mem::take(schemas);
    for (key, schema) in old {
        let mut new_key = key.clone();
        let mut n = 2;
        while !used.insert(pascal(&new_key)) {
            new_key = format!("{key}_{n}");
            n += 1;
        }
        if new_key != key {
            renames.push((key, new_key.clone()));
        }
        schemas.insert(new_key, schema);
    }
    if renames.is_empty() {
        return;
    }
    let map: BTreeMap<String, String> = renames
        .into_iter()
        .map(|(a, b)| {
            (
                format!("#/components/schemas/{}", pointer_token(&a)),
                format!("#/components/schemas/{}", pointer_token(&b)),
            )
        })
        .collect();
    crate::normalize::walk::refs_mut(doc, &mut |r| {
        if let Some(new) = map.get(r.as_str()) {
            *r = new.clone();
        }
    });
}

struct Ctx<'a> {
    components: &'a Map<String, Value>,
    /// `{"schemas": components}`, the shape `walk::deref` follows `$ref`s in.
    schemas: &'a Value,
    /// `walk::shape` of a component (as JSON text) -> the first component key with it.
    shapes: &'a BTreeMap<String, String>,
    /// PascalCase names of operation bodies and responses, never used as short names.
    reserved: &'a BTreeSet<String>,
    /// PascalCase name -> component key.
    names: &'a BTreeMap<String, String>,
    /// Titles of inline schemas seen so far (PascalCase -> the schema, stripped): typify
    /// reuses the first type registered under a name, so a second, different schema
    /// with the same title must be retitled.
    titles: std::cell::RefCell<BTreeMap<String, Value>>,
    /// The `variant_names` fact being recorded.
    variant_names: std::cell::RefCell<BTreeMap<String, BTreeMap<String, String>>>,
}

impl Ctx<'_> {
    /// An inline schema that typify will name `raw` unless titled, under property
    /// `prop`: it is titled after the property instead when that name is free
    /// (`short_name`).
    /// `kind` (`body`, `response`): what the schema is when it is an operation's root
    /// (`prop` is `None`), or what its parent is when it is a root's direct property: a
    /// property whose short name is taken tries `{short} {kind}` (`ScriptTagBody`) next.
    fn inline(&self, schema: &mut Value, raw: &str, prop: Option<&str>, kind: Option<&str>) {
        let Value::Object(obj) = schema else { return };
        if obj.contains_key("$ref") {
            return;
        }
        if titleable(obj) {
            let shape = crate::normalize::walk::shape(&Value::Object(obj.clone()));
            // The component it equals, whatever its name.
            if let Some(key) = self.shapes.get(&shape.to_string()) {
                *schema = json!({ "$ref": format!("#/components/schemas/{}", pointer_token(key)) });
                return;
            }
            if let Some(short) = prop.and_then(short_name) {
                let kind = kind.map(|k| format!("{short} {k}"));
                let title = std::iter::once(short)
                    .chain(kind)
                    .find(|t| self.free(t, &shape))
                    .unwrap_or_else(|| raw.to_owned());
                obj.insert("title".into(), title.into());
            }
        }
        let name = match obj.get("title").and_then(Value::as_str) {
            Some(t) => t.to_owned(),
            None => raw.to_owned(),
        };
        if (named_type(obj) || obj.contains_key("title"))
            && let Some(key) = self.names.get(&pascal(&name))
        {
            let same = crate::normalize::walk::shape(&Value::Object(obj.clone()))
                == crate::normalize::walk::shape(&self.components[key]);
            if same {
                *schema = json!({ "$ref": format!("#/components/schemas/{}", pointer_token(key)) });
                return;
            }
            obj.insert("title".into(), format!("{name} value").into());
        }
        if let Some(title) = obj.get("title").and_then(Value::as_str).map(str::to_owned) {
            let shape = crate::normalize::walk::shape(&Value::Object(obj.clone()));
            let mut titles = self.titles.borrow_mut();
            let mut unique = title.clone();
            let mut n = 2;
            while let Some(seen) = titles.get(&pascal(&unique)) {
                if *seen == shape {
                    break;
                }
                unique = format!("{title} {n}");
                n += 1;
            }
            titles.insert(pascal(&unique), shape);
            if unique != title {
                obj.insert("title".into(), unique.into());
            }
        }
        let name = schema
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or(name);
        self.children(
            schema,
            &name,
            prop,
            if prop.is_none() { kind } else { None },
        );
    }

    /// Whether an inline schema of `shape` may be titled `title`: no component, body or
    /// response has that name, and no inline schema of another shape has that title.
    fn free(&self, title: &str, shape: &Value) -> bool {
        let p = pascal(title);
        !self.names.contains_key(&p)
            && !self.reserved.contains(&p)
            && self
                .titles
                .borrow()
                .get(&p)
                .is_none_or(|seen| seen == shape)
    }

    /// Sibling properties whose schemas (or array items) are one named shape
    /// (ShipEngine's `monday` ... `sunday`, each an array of the same opening-hours
    /// object) get one title: the words their names end with (`billing_address`,
    /// `shipping_address` -> `address`), else `{parent} item` for array items and
    /// `{parent} value` for the schemas themselves.
    fn title_siblings(&self, props: &mut Map<String, Value>, name: &str) {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (prop, s) in props.iter() {
            let (target, _) = sibling_target(s);
            if let Some(Value::Object(t)) = target
                && titleable(t)
            {
                let shape = crate::normalize::walk::shape(&Value::Object(t.clone())).to_string();
                groups.entry(shape).or_default().push(prop.clone());
            }
        }
        for (_, members) in groups.into_iter().filter(|(_, m)| m.len() > 1) {
            let words: Vec<Vec<&str>> = members.iter().map(|m| m.split('_').collect()).collect();
            let common = (1..=words.iter().map(Vec::len).min().unwrap_or(0))
                .take_while(|n| {
                    let tail = &words[0][words[0].len() - n..];
                    words.iter().all(|w| &w[w.len() - n..] == tail)
                })
                .last()
                .map(|n| words[0][words[0].len() - n..].join("_"))
                .filter(|t| short_name(t).is_some());
            let is_items = sibling_target(&props[&members[0]]).1;
            let title = common
                .unwrap_or_else(|| format!("{name} {}", if is_items { "item" } else { "value" }));
            let Some(shape) = sibling_target(&props[&members[0]])
                .0
                .map(crate::normalize::walk::shape)
            else {
                continue;
            };
            if !self.free(&title, &shape) {
                continue;
            }
            for m in &members {
                let s = props.get_mut(m).expect("grouped from props");
                let target = if s.get("items").is_some() {
                    s.get_mut("items")
                } else {
                    Some(s)
                };
                if let Some(Value::Object(t)) = target {
                    t.insert("title".into(), title.clone().into());
                }
            }
        }
    }

    /// The inline subschemas of a schema named `name`, which hangs under property `prop`.
    fn children(&self, schema: &mut Value, name: &str, prop: Option<&str>, kind: Option<&str>) {
        let Value::Object(obj) = schema else { return };
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            self.title_siblings(props, name);
        }
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            for (prop, s) in props.iter_mut() {
                self.inline(s, &format!("{name}_{prop}"), Some(prop), kind);
            }
        }
        if let Some(items) = obj.get_mut("items") {
            // The items of an array property are named after the property, singular.
            let short = prop.filter(|p| short_name(p).is_some()).map(singular);
            self.inline(items, &format!("{name}_item"), short.as_deref(), None);
        }
        if let Some(Value::Object(_)) = obj.get("additionalProperties") {
            let extra = obj.get_mut("additionalProperties").expect("checked");
            self.inline(extra, &format!("{name}Value"), None, None);
        }
        // typify merges `allOf` members into the one type: their properties are named
        // after it (PagerDuty's `BusinessService: allOf [_, {properties: {team: {title:
        // Team}}}]` next to a component `Team`).
        if let Some(Value::Array(members)) = obj.get_mut("allOf") {
            for m in members {
                if m.get("$ref").is_none() {
                    self.children(m, name, prop, kind);
                }
            }
        }
        // typify names a union's variants after its members' titles (variant_names).
        super::variant_names::distribute(obj);
        let discriminator = obj
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(members)) = obj.get_mut(key) else {
                continue;
            };
            let titles =
                super::variant_names::titles(members, discriminator.as_deref(), self.schemas);
            for (i, m) in members.iter_mut().enumerate() {
                if m.get("$ref").is_some() {
                    continue;
                }
                let title = titles.as_ref().and_then(|t| t[i].as_ref());
                if let (Some(t), Value::Object(o)) = (title, &mut *m) {
                    o.insert("title".into(), format!("{name} {t}").into());
                }
                // typify's names for an untitled member: `Subtype` in the struct it makes
                // of an `anyOf`, `Variant` in an enum.
                let kind = if key == "anyOf" { "Subtype" } else { "Variant" };
                self.inline(m, &format!("{name}{kind}{i}"), None, None);
            }
            if let Some(names) = super::variant_names::renames(members, name) {
                let map = names.into_iter().collect();
                self.variant_names.borrow_mut().insert(pascal(name), map);
            }
        }
    }
}

/// The schema a sibling property names: its array items (and `true`) if it is an
/// array, else itself (`false`); `None` for a `$ref`.
fn sibling_target(s: &Value) -> (Option<&Value>, bool) {
    let target = s.get("items").map_or((s, false), |i| (i, true));
    if target.0.get("$ref").is_some() {
        return (None, target.1);
    }
    (Some(target.0), target.1)
}

/// Property names too generic to name a type on their own (`Data`, `Type`): a schema
/// under one keeps its parent-path name.
const GENERIC: &[&str] = &[
    "attributes",
    "body",
    "config",
    "content",
    "data",
    "detail",
    "details",
    "entries",
    "entry",
    "error",
    "errors",
    "fields",
    "id",
    "info",
    "item",
    "items",
    "kind",
    "links",
    "list",
    "meta",
    "metadata",
    "node",
    "nodes",
    "object",
    "options",
    "params",
    "parameters",
    "payload",
    "properties",
    "relationships",
    "request",
    "response",
    "result",
    "results",
    "self",
    "settings",
    "status",
    "summary",
    "type",
    "value",
    "values",
];

/// The short name of a schema under property `prop`: the property itself, unless it is
/// generic or empty.
fn short_name(prop: &str) -> Option<String> {
    let p = pascal(prop);
    let generic = GENERIC.iter().any(|g| pascal(g) == p);
    (!generic && !prop.is_empty() && p != "X").then(|| prop.to_owned())
}

/// An English singular of a property name for its array items: `policies` -> `policy`,
/// `script_tags` -> `script_tag`, `status` stays; else `{prop} item`.
fn singular(prop: &str) -> String {
    if let Some(stem) = prop.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = prop.strip_suffix('s')
        && !stem.ends_with('s')
        && !stem.ends_with('u')
        && !stem.is_empty()
    {
        stem.to_owned()
    } else {
        format!("{prop} item")
    }
}

/// Whether this pass may title an inline schema for its name: an untitled named type,
/// but not an `enum` beside an `allOf` (typify panics merging a titled one; the
/// property test found it with a symbol enum value).
fn titleable(s: &Map<String, Value>) -> bool {
    named_type(s)
        && !s.contains_key("title")
        && !(s.contains_key("enum") && s.contains_key("allOf"))
}

/// Whether typify gives this inline schema its own named type.
fn named_type(s: &Map<String, Value>) -> bool {
    s.contains_key("enum")
        || s.contains_key("properties")
        || s.contains_key("oneOf")
        || s.contains_key("anyOf")
        || s.get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|a| a.len() > 1)
        || (s.get("type") == Some(&json!("string"))
            && ["minLength", "maxLength", "pattern"]
                .iter()
                .any(|k| s.contains_key(*k)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn pascal_matches_typify() {
        assert_eq!(pascal("tag_name"), "TagName");
        assert_eq!(pascal("Test_Counts"), "TestCounts");
        assert_eq!(pascal("packageManager `npm`"), "PackageManagerNpm");
        assert_eq!(pascal("0"), "X0");
    }

    #[test]
    fn nullable_union_components_wrap_a_value_component() {
        let members = json!([{"type": "string"}, {"type": "integer"}]);
        let mut doc = json!({"components": {"schemas": {
            "U": {"oneOf": members, "nullable": true, "description": "d", "title": "U"},
            "U_value": {"type": "boolean"},
            "V": {"oneOf": members}
        }}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["U"],
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/U_value_2"}], "nullable": true})
        );
        assert_eq!(
            schemas["U_value_2"],
            json!({"oneOf": members, "description": "d"})
        );
        assert_eq!(schemas["U_value"], json!({"type": "boolean"}));
        assert_eq!(
            schemas["V"],
            json!({"oneOf": members}),
            "not nullable: one item"
        );
    }

    #[test]
    fn empty_components_give_their_colliding_name_to_the_real_schema() {
        let mut doc = json!({"components": {"schemas": {
            "Aggregated_Project_issues": {"description": "placeholder"},
            "Aggregated_project_issues": {"type": "object", "properties": {"issues": {}}},
            "Dep_Graph": {}, "DepGraph": {},
            "Wrapper": {"type": "object", "properties": {
                "a": {"$ref": "#/components/schemas/Aggregated_Project_issues"},
                "b": {"$ref": "#/components/schemas/DepGraph"}
            }}
        }}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let s = &doc["components"]["schemas"];
        assert!(s.get("Aggregated_Project_issues").is_none());
        assert!(s.get("Aggregated_project_issues_2").is_none(), "no suffix");
        assert_eq!(
            s["Aggregated_project_issues"]["properties"]["issues"],
            json!({})
        );
        assert_eq!(
            s["Wrapper"]["properties"]["a"],
            json!({}),
            "the ref is any value"
        );
        assert_eq!(s["Dep_Graph"], json!({}), "all empty: the first stays");
        assert!(s.get("DepGraph").is_none());
        assert_eq!(s["Wrapper"]["properties"]["b"], json!({}));
    }

    #[test]
    fn nullable_components_titled_like_a_component_lose_the_title() {
        let mut doc = json!({"components": {"schemas": {
            "File--Base": {"type": "object", "nullable": true, "title": "File (Base)"},
            "File--Mini": {"type": "object", "nullable": true, "title": "File base"},
            "Folder": {"type": "object", "nullable": true, "title": "A folder"},
            "Web--Link": {"type": "object", "title": "Web link"}
        }}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["File--Base"].get("title").is_none());
        assert!(schemas["File--Mini"].get("title").is_none());
        assert_eq!(schemas["Folder"]["title"], "A folder");
        assert_eq!(
            schemas["Web--Link"]["title"], "Web link",
            "not nullable: one item"
        );
    }

    #[test]
    fn renames_colliding_components_and_reuses_identical_inline_ones() {
        let mut doc = json!({
            "components": {"schemas": {
                "Test_Counts": {"type": "object"},
                "Test_counts": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "tag": {"type": "object", "properties": {
                    "name": {"type": "string", "minLength": 1, "description": "inline"},
                    "kind": {"type": "string", "enum": ["a"]}
                }},
                "tag_name": {"type": "string", "minLength": 1, "description": "shared"},
                "tag_kind": {"type": "string", "enum": ["b"]}
            }},
            "paths": {"/t": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Test_counts"}}}}}}}}
        });
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let s = &doc["components"]["schemas"];
        assert!(s.get("Test_counts_2").is_some());
        assert_eq!(
            doc["paths"]["/t"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/Test_counts_2"
        );
        assert_eq!(
            s["tag"]["properties"]["name"],
            json!({"$ref": "#/components/schemas/tag_name"})
        );
        assert_eq!(s["tag"]["properties"]["kind"]["title"], "tag_kind value");

        let mut doc = json!({"components": {"schemas": {
            "a": {"type": "object", "properties": {"addr": {"title": "Address", "type": "object", "properties": {"x": {"type": "string"}}}}},
            "b": {"type": "object", "properties": {"addr": {"title": "Address", "type": "object", "properties": {"y": {"type": "string"}}}}},
            "c": {"type": "object", "properties": {"addr": {"title": "Address", "description": "same as a", "type": "object", "properties": {"x": {"type": "string"}}}}}
        }}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let s = &doc["components"]["schemas"];
        assert_eq!(s["a"]["properties"]["addr"]["title"], "Address");
        assert_eq!(s["b"]["properties"]["addr"]["title"], "Address 2");
        assert_eq!(s["c"]["properties"]["addr"]["title"], "Address");
    }
}
