//! Names for the members of a `oneOf`/`anyOf`, used by the `type-names` pass (#19).
//!
//! typify makes an untagged enum of a union and names each variant after its member:
//! a `$ref`'s component name, else the member's `title`, else its type (`String`,
//! `Object`); it then strips the word prefix common to all names. When any member has
//! no name, when two names are equal, or when stripping leaves one empty, *every*
//! variant is `Variant0`, `Variant1`, ... and the inline types under member `N` are
//! `{Enum}Variant{N}{Property}`. `type-names` therefore titles inline members
//! `{enum name} {distinguisher}` (`CalculateRatesRequestBody shipment_id`): the enum
//! name is the common prefix typify strips, so the variant is `ShipmentId`, and the
//! types under it are `{Enum}ShipmentId{Property}`. A title changes no meaning; it is
//! what typify reads.
//!
//! The distinguisher of each member, first rule that gives every member one:
//!
//! 1. **discriminator value**: a property every member declares with a single-value
//!    `enum` (the union's `discriminator.propertyName` first), all values different:
//!    the member's value (`type: [github]` -> `Github`);
//! 2. **its own property**: the first property (its `required` ones first, in their
//!    order, then the declared ones) that no other member declares
//!    (`projects` / `project`);
//! 3. **its own combination**: the properties it declares that not every member
//!    declares, joined with `and`, when there are one to three (`broker`,
//!    `credentials`, `broker and credentials`).
//!
//! Properties of members behind a `$ref`, and of the members' `allOf` parts, count.
//! The names must all differ in PascalCase. When one is a word prefix of all the
//! others (`Shipment` next to `ShipmentId`), typify strips it to nothing and says
//! `Variant0`, `Variant1`; [`renames`] then gives the names for the `variant_names`
//! fact, and the `variants` rewrite renames typify's variants. Members that are
//! `$ref`s, carry a title, or are not objects name themselves and are only counted. When no rule names every inline member, nothing is
//! titled and typify's `VariantN` stays (the documented fallback); `cargo xtask
//! api-census --list` lists what is left.

use serde_json::{Map, Value};

use super::type_names::pascal;
use crate::normalize::walk;

/// The title for each member of a union (`None`: leave it as it is), or `None` when the
/// members cannot all be told apart. `components` is `#/components`, for `$ref`s.
pub fn titles(
    members: &[Value],
    discriminator: Option<&str>,
    components: &Value,
) -> Option<Vec<Option<String>>> {
    if members.len() < 2 {
        return None;
    }
    // Only unions with at least one inline object member without a title need names.
    let wanted: Vec<bool> = members.iter().map(needs_name).collect();
    if !wanted.iter().any(|w| *w) {
        return None;
    }
    let props: Vec<Map<String, Value>> =
        members.iter().map(|m| properties(m, components)).collect();
    let required: Vec<Vec<String>> = members.iter().map(|m| required(m, components)).collect();
    let own = |i: usize| -> Option<String> {
        let declared_elsewhere = |p: &str| {
            props
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.contains_key(p))
        };
        let own = required[i]
            .iter()
            .chain(props[i].keys())
            .find(|p| !declared_elsewhere(p))
            .cloned();
        // Rule 3: the properties not every member declares, when at most three.
        own.or_else(|| {
            let uncommon: Vec<&str> = props[i]
                .keys()
                .filter(|p| !props.iter().all(|other| other.contains_key(*p)))
                .map(String::as_str)
                .collect();
            (!uncommon.is_empty() && uncommon.len() <= 3).then(|| uncommon.join(" and "))
        })
    };
    let by_value = discriminator_values(&props, discriminator);
    let candidates: Vec<Option<String>> = (0..members.len())
        .map(|i| {
            if !wanted[i] {
                return self_name(&members[i]);
            }
            match &by_value {
                Some(values) => Some(values[i].clone()),
                None => own(i),
            }
        })
        .collect();
    let names: Vec<String> = candidates.iter().cloned().collect::<Option<_>>()?;
    if !distinct(&names) {
        return None;
    }
    Some(
        candidates
            .into_iter()
            .zip(wanted)
            .map(|(c, w)| if w { c } else { None })
            .collect(),
    )
}

/// A union beside `properties` or `allOf` (`{properties: P, oneOf: [A, B]}`): typify
/// merges the siblings into each member and the merged members lose their titles, so
/// the siblings move into each member instead: `{oneOf: [{allOf: [P, A]}, {allOf: [P,
/// B]}]}` (the same instances: P and (A or B) is (P and A) or (P and B)). The union keeps
/// its description, `nullable` and `discriminator`. Nothing changes when there is no
/// sibling, or both `oneOf` and `anyOf`.
pub fn distribute(obj: &mut Map<String, Value>) {
    let key = match (obj.contains_key("oneOf"), obj.contains_key("anyOf")) {
        (true, false) => "oneOf",
        (false, true) => "anyOf",
        _ => return,
    };
    if !obj.contains_key("properties") && !obj.contains_key("allOf") {
        return;
    }
    let Some(Value::Array(members)) = obj.remove(key) else {
        return;
    };
    let mut base = Map::new();
    let keep = [
        "description",
        "nullable",
        "discriminator",
        "title",
        "example",
        "externalDocs",
    ];
    for k in obj.keys().cloned().collect::<Vec<_>>() {
        if !keep.contains(&k.as_str()) {
            base.insert(k.clone(), obj.remove(&k).expect("listed"));
        }
    }
    let base = Value::Object(base);
    let members = members
        .into_iter()
        .map(|m| serde_json::json!({ "allOf": [base.clone(), m] }))
        .collect();
    obj.insert(key.into(), Value::Array(members));
}

/// An inline member typify would not name: no `$ref`, no `title`, an object.
fn needs_name(m: &Value) -> bool {
    let Value::Object(o) = m else { return false };
    !o.contains_key("$ref")
        && !o.contains_key("title")
        && (o.contains_key("properties")
            || o.contains_key("allOf")
            || o.get("type").and_then(Value::as_str) == Some("object"))
}

/// The name typify gives a member that names itself (`$ref` or title), or a type name.
fn self_name(m: &Value) -> Option<String> {
    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().map(str::to_owned);
    }
    if let Some(t) = m.get("title").and_then(Value::as_str) {
        return Some(t.to_owned());
    }
    m.get("type").and_then(Value::as_str).map(str::to_owned)
}

/// The properties a member declares, through `$ref`s and `allOf` parts.
fn properties(m: &Value, components: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    collect(m, components, 0, &mut |s| {
        if let Some(Value::Object(p)) = s.get("properties") {
            for (k, v) in p {
                out.entry(k.clone())
                    .or_insert_with(|| walk::deref(v, components).clone());
            }
        }
    });
    out
}

/// The required properties of a member, through `$ref`s and `allOf` parts.
fn required(m: &Value, components: &Value) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    collect(m, components, 0, &mut |s| {
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(r) = r.as_str()
                && !out.iter().any(|o| o == r)
            {
                out.push(r.to_owned());
            }
        }
    });
    out
}

/// Calls `f` on a schema and its `allOf` parts, `$ref`s followed, depth-capped.
fn collect(m: &Value, components: &Value, depth: usize, f: &mut dyn FnMut(&Value)) {
    if depth > walk::MAX_REF_CHAIN {
        return;
    }
    let s = walk::deref(m, components);
    f(s);
    for part in s
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect(part, components, depth + 1, f);
    }
}

/// Each member's value of a property that every member declares as a one-value string
/// `enum`, the discriminator's property first, when all values differ.
fn discriminator_values(
    props: &[Map<String, Value>],
    discriminator: Option<&str>,
) -> Option<Vec<String>> {
    let first = props.first()?;
    let mut keys: Vec<&str> = discriminator.into_iter().collect();
    keys.extend(
        first
            .keys()
            .map(String::as_str)
            .filter(|k| Some(*k) != discriminator),
    );
    keys.into_iter().find_map(|key| {
        let values: Vec<String> = props
            .iter()
            .map(|p| match p.get(key)?.get("enum")?.as_array()?.as_slice() {
                [Value::String(v)] => Some(v.clone()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let distinct: std::collections::BTreeSet<String> =
            values.iter().map(|v| pascal(v)).collect();
        (distinct.len() == values.len()).then_some(values)
    })
}

/// Variant renames (typify's name -> the member's) where typify would name a variant
/// other than its member: a title `{union} {distinguisher}` names the member by the
/// distinguisher, anything else by what typify reads (`$ref` name, title, type). typify
/// strips the word prefix common to all it reads, which is `{union}` only when every
/// member is titled here (beside a `$ref` the variant would be `ListCarriersErrorMissing`),
/// and which can be more (`carrier_id`, `carrier_ids` -> `Id`, `Ids`) or all of one name
/// (`Shipment` beside `ShipmentId`: then every variant is `Variant0`, `Variant1`, ...).
/// The `variants` rewrite renames them; `None` when nothing differs or names repeat.
pub fn renames(members: &[Value], union: &str) -> Option<Vec<(String, String)>> {
    let prefix = format!("{union} ");
    // What typify reads: the whole title, the `$ref`'s name, the type.
    let read: Vec<String> = members.iter().map(self_name).collect::<Option<_>>()?;
    let read: Vec<String> = read.iter().map(|n| pascal(n)).collect();
    // What the member is called: its distinguisher when we titled it.
    let wanted: Vec<String> = members
        .iter()
        .zip(&read)
        .map(|(m, r)| {
            let title = m.get("title").and_then(Value::as_str);
            title
                .and_then(|t| t.strip_prefix(&prefix))
                .map_or_else(|| r.clone(), pascal)
        })
        .collect();
    if !distinct(&wanted) || !distinct(&read) {
        return None;
    }
    let typify: Vec<String> = if typify_accepts(&read) {
        let words: Vec<Vec<String>> = read.iter().map(|n| kebab_words(n)).collect();
        let common = common_words(&words);
        words
            .iter()
            .map(|w| pascal(&w[common..].join("-")))
            .collect()
    } else {
        (0..read.len()).map(|i| format!("Variant{i}")).collect()
    };
    let changes: Vec<(String, String)> = typify
        .into_iter()
        .zip(wanted)
        .filter(|(t, w)| t != w)
        .collect();
    (!changes.is_empty()).then_some(changes)
}

/// How many leading words all of `words` share.
fn common_words(words: &[Vec<String>]) -> usize {
    words.iter().skip(1).fold(words[0].len(), |n, w| {
        n.min(words[0].iter().zip(w).take_while(|(a, b)| a == b).count())
    })
}

/// All different in PascalCase.
fn distinct(names: &[String]) -> bool {
    let set: std::collections::BTreeSet<String> = names.iter().map(|n| pascal(n)).collect();
    set.len() == names.len()
}

/// Whether typify keeps these names: all different in PascalCase, and none emptied by
/// stripping the word prefix common to all of them.
fn typify_accepts(names: &[String]) -> bool {
    let pascal_names: Vec<String> = names.iter().map(|n| pascal(n)).collect();
    if !distinct(&pascal_names) {
        return false;
    }
    let words: Vec<Vec<String>> = pascal_names.iter().map(|n| kebab_words(n)).collect();
    let common = common_words(&words);
    words.iter().all(|w| w.len() > common)
}

/// The words of a PascalCase name as typify's kebab case splits them.
fn kebab_words(name: &str) -> Vec<String> {
    use heck::ToKebabCase;
    name.to_kebab_case().split('-').map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(members: Value) -> Option<Vec<Option<String>>> {
        titles(members.as_array().unwrap(), None, &json!({}))
    }

    #[test]
    fn the_property_only_one_member_has_names_it() {
        let t = run(json!([
            {"type": "object", "properties": {"rate_options": {}, "shipment_id": {}}, "required": ["rate_options", "shipment_id"]},
            {"type": "object", "properties": {"rate_options": {}, "shipment": {}, "label": {}}, "required": ["rate_options", "label"]}
        ]));
        // `rate_options` is shared; of the others a required one comes first.
        assert_eq!(
            t,
            Some(vec![Some("shipment_id".into()), Some("label".into())])
        );
    }

    #[test]
    fn a_word_prefix_of_every_other_name_is_renamed_after_typify() {
        let mut members = json!([
            {"type": "object", "properties": {"shipment_id": {}}},
            {"type": "object", "properties": {"shipment": {}}}
        ]);
        let t = run(members.clone());
        assert_eq!(
            t,
            Some(vec![Some("shipment_id".into()), Some("shipment".into())])
        );
        for (m, t) in members.as_array_mut().unwrap().iter_mut().zip(t.unwrap()) {
            m["title"] = format!("Body {}", t.unwrap()).into();
        }
        // typify would strip `Shipment` to nothing and say `Variant0`, `Variant1`.
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            renames(members.as_array().unwrap(), "Body"),
            Some(vec![
                pair("Variant0", "ShipmentId"),
                pair("Variant1", "Shipment")
            ])
        );
        assert_eq!(
            renames(&run_titled(&["a", "b"]), "Body"),
            None,
            "typify keeps `A`, `B`"
        );
        assert_eq!(
            renames(&run_titled(&["carrier_id", "carrier_ids"]), "Body"),
            Some(vec![pair("Id", "CarrierId"), pair("Ids", "CarrierIds")]),
            "typify strips the shared `Carrier`"
        );
    }

    fn run_titled(ds: &[&str]) -> Vec<Value> {
        ds.iter()
            .map(|d| json!({"type": "object", "title": format!("Body {d}")}))
            .collect()
    }

    #[test]
    fn one_value_enums_are_discriminators() {
        let t = titles(
            json!([
                {"type": "object", "properties": {"kind": {"enum": ["git-hub"]}, "a": {}}},
                {"type": "object", "properties": {"kind": {"enum": ["gitlab"]}, "b": {}}}
            ])
            .as_array()
            .unwrap(),
            Some("kind"),
            &json!({}),
        );
        assert_eq!(t, Some(vec![Some("git-hub".into()), Some("gitlab".into())]));
    }

    #[test]
    fn refs_and_titled_members_name_themselves_and_count() {
        let components =
            json!({"schemas": {"Card": {"type": "object", "properties": {"number": {}}}}});
        let members = json!([
            {"$ref": "#/components/schemas/Card"},
            {"type": "object", "properties": {"number": {}, "iban": {}}},
            {"type": "string"}
        ]);
        let t = titles(members.as_array().unwrap(), None, &components);
        assert_eq!(t, Some(vec![None, Some("iban".into()), None]));
    }

    #[test]
    fn members_without_an_own_property_are_named_by_their_combination() {
        let t = run(json!([
            {"type": "object", "properties": {"type": {}, "broker": {}}},
            {"type": "object", "properties": {"type": {}, "credentials": {}}},
            {"type": "object", "properties": {"type": {}, "broker": {}, "credentials": {}}}
        ]));
        assert_eq!(
            t,
            Some(vec![
                Some("broker".into()),
                Some("credentials".into()),
                Some("broker and credentials".into())
            ])
        );
    }

    #[test]
    fn siblings_of_a_union_move_into_its_members() {
        let mut s = json!({
            "type": "object", "description": "d", "properties": {"issue": {}}, "required": ["issue"],
            "allOf": [{"$ref": "#/components/schemas/Base"}],
            "oneOf": [{"properties": {"projects": {}}}, {"$ref": "#/components/schemas/One"}]
        });
        distribute(s.as_object_mut().unwrap());
        let base = json!({"type": "object", "properties": {"issue": {}}, "required": ["issue"],
            "allOf": [{"$ref": "#/components/schemas/Base"}]});
        assert_eq!(
            s,
            json!({"description": "d", "oneOf": [
                {"allOf": [base, {"properties": {"projects": {}}}]},
                {"allOf": [base, {"$ref": "#/components/schemas/One"}]}
            ]})
        );
        let again = s.clone();
        distribute(s.as_object_mut().unwrap());
        assert_eq!(s, again, "idempotent");
    }

    #[test]
    fn members_without_a_distinguisher_are_left_to_typify() {
        let t = run(json!([
            {"type": "object", "properties": {"a": {}}},
            {"type": "object", "properties": {"a": {}}}
        ]));
        assert_eq!(t, None);
        assert_eq!(
            run(json!([{"$ref": "#/x"}, {"type": "string"}])),
            None,
            "nothing to name"
        );
    }
}
