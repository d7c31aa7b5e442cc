//! One test per rule of the module docs, plus cycles, limits and determinism.

use super::*;
use proptest::prelude::*;

fn doc() -> Value {
    json!({
        "openapi": "3.0.3",
        "paths": {},
        "components": {"schemas": {
            "Pet": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}, "tag": {"type": "string", "example": "cat"}}},
            "Node": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer"},
                "next": {"$ref": "#/components/schemas/Node"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}},
            "Loop": {"type": "object", "required": ["again"], "properties": {
                "again": {"$ref": "#/components/schemas/Loop"}}},
            "NullableLoop": {"type": "object", "required": ["again"], "properties": {
                "again": {"allOf": [{"$ref": "#/components/schemas/NullableLoop"}], "nullable": true}}},
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
            "Cat": {"type": "object", "required": ["kind", "meow"], "properties": {
                "kind": {"type": "string"}, "meow": {"type": "boolean"}}},
            "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}
        }}
    })
}

fn synth(schema: Value) -> Res<Value> {
    let d = doc();
    Synth::new(&d).value(&schema)
}

fn ok(schema: Value) -> Value {
    synth(schema.clone()).unwrap_or_else(|e| panic!("{schema}: {e}"))
}

#[test]
fn example_first_when_it_fits_the_type() {
    assert_eq!(
        ok(json!({"type": "string", "example": "x", "default": "d"})),
        "x"
    );
    // A number example of a string schema is skipped; so is one outside the enum.
    assert_eq!(
        ok(json!({"type": "string", "example": 3, "default": "d"})),
        "d"
    );
    assert_eq!(
        ok(json!({"type": "string", "enum": ["a", "b"], "example": "z"})),
        "a"
    );
    assert_eq!(ok(json!({"type": "integer", "example": 2.0})), 2.0);
    // null only when nullable.
    assert_eq!(ok(json!({"type": "string", "example": null})), "string");
    assert_eq!(
        ok(json!({"type": "string", "nullable": true, "example": null})),
        Value::Null
    );
    // An example that is a `$ref` to a file beside the spec (Dropbox Sign) is no value.
    assert_eq!(
        ok(
            json!({"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"],
            "example": {"$ref": "examples/a.json"}})
        ),
        json!({"a": 1})
    );
}

#[test]
fn examples_array_or_map_then_default() {
    assert_eq!(ok(json!({"type": "integer", "examples": ["no", 7, 8]})), 7);
    assert_eq!(
        ok(json!({"type": "integer", "examples": {"a": {"summary": "s"}, "b": {"value": 9}}})),
        9
    );
    assert_eq!(ok(json!({"type": "boolean", "default": false})), false);
    assert_eq!(ok(json!({"type": "boolean", "default": "no"})), true);
}

#[test]
fn enum_first_non_null_value() {
    assert_eq!(
        ok(json!({"type": "string", "nullable": true, "enum": [null, "on", "off"]})),
        "on"
    );
    assert_eq!(ok(json!({"enum": [null]})), Value::Null);
    assert_eq!(ok(json!({"type": "integer", "enum": [10, 20]})), 10);
}

#[test]
fn string_formats_are_fixed_samples() {
    for (format, sample) in [
        ("date-time", "2024-01-01T00:00:00Z"),
        ("date", "2024-01-01"),
        ("uuid", "00000000-0000-4000-8000-000000000000"),
        ("email", "user@example.com"),
        ("uri", "https://example.com/"),
        ("ipv4", "192.0.2.1"),
        ("ipv6", "2001:db8::1"),
        ("byte", "c3RyaW5n"),
        ("hostname", "example.com"),
        ("password", "password"),
        ("unknown-format", "string"),
    ] {
        assert_eq!(ok(json!({"type": "string", "format": format})), sample);
    }
}

#[test]
fn string_lengths_are_respected() {
    assert_eq!(ok(json!({"type": "string", "minLength": 9})), "stringxxx");
    assert_eq!(ok(json!({"type": "string", "maxLength": 3})), "str");
    // A format sample out of bounds becomes a plain string.
    assert_eq!(
        ok(json!({"type": "string", "format": "uuid", "maxLength": 4})),
        "stri"
    );
    assert!(matches!(
        synth(json!({"type": "string", "minLength": 5, "maxLength": 2})),
        Err(SynthError::Unsatisfiable { .. })
    ));
}

#[test]
fn patterns_give_matching_ascii_strings_deterministically() {
    for pattern in [
        r"^\d{4}-\d{2}-\d{2}$",
        r"^[a-z0-9]+(_[a-z0-9]+)*$",
        r"^se(-[a-z0-9]+)+$",
        r"^\w+@\w+\.com$",
        r"^$|^[A-Za-z0-9]+",
        r"^((http[s]?|ftp):\/)?\/?([^:\/\s]+)((\/\w+)*\/)([\w\-\.]+[^#?\s]+)(.*)?(#[\w\-]+)?$",
    ] {
        let s = ok(json!({"type": "string", "pattern": pattern}));
        let s = s.as_str().unwrap();
        assert!(
            regex::Regex::new(pattern).unwrap().is_match(s),
            "{pattern}: {s}"
        );
        assert!(s.is_ascii(), "{pattern}: {s}");
        assert_eq!(ok(json!({"type": "string", "pattern": pattern})), s);
    }
    // The pinned value: changes only with rand_regex's or rand_pcg's algorithm.
    assert_eq!(
        ok(json!({"type": "string", "pattern": r"^se(-[a-z0-9]+)+$"})),
        "se-6wao6if-2x-u-6b-db-gqzxgs"
    );
    assert_eq!(
        ok(json!({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"})),
        "8140-62-39"
    );
    let bounded = ok(json!({"type": "string", "pattern": "^a+$", "minLength": 3, "maxLength": 4}));
    let n = bounded.as_str().unwrap().len();
    assert!((3..=4).contains(&n), "{bounded}");
    // A format sample the pattern accepts wins.
    assert_eq!(
        ok(json!({"type": "string", "format": "uri", "pattern": "^https://"})),
        "https://example.com/"
    );
    assert!(matches!(
        synth(json!({"type": "string", "pattern": "(?=lookahead)"})),
        Err(SynthError::Pattern { .. })
    ));
    assert!(matches!(
        synth(json!({"type": "string", "pattern": "^a{2}$", "minLength": 5})),
        Err(SynthError::Pattern { .. })
    ));
}

#[test]
fn numbers_within_bounds_and_multiples() {
    assert_eq!(ok(json!({"type": "integer"})), 1);
    assert_eq!(ok(json!({"type": "integer", "minimum": 10})), 10);
    assert_eq!(
        ok(json!({"type": "integer", "minimum": 10, "exclusiveMinimum": true})),
        11
    );
    assert_eq!(ok(json!({"type": "integer", "maximum": -5})), -5);
    assert_eq!(
        ok(json!({"type": "integer", "maximum": 0, "exclusiveMaximum": true})),
        -1
    );
    assert_eq!(
        ok(json!({"type": "integer", "minimum": 3, "multipleOf": 5})),
        5
    );
    assert_eq!(
        ok(json!({"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": true})),
        0.0
    );
    assert_eq!(
        ok(
            json!({"type": "number", "minimum": 1, "maximum": 2, "exclusiveMinimum": true, "exclusiveMaximum": true})
        ),
        1.5
    );
    assert_eq!(
        ok(json!({"type": "number", "minimum": 2.5, "multipleOf": 0.5})),
        2.5
    );
    assert!(matches!(
        synth(json!({"type": "integer", "minimum": 5, "maximum": 4})),
        Err(SynthError::Unsatisfiable { .. })
    ));
    assert!(matches!(
        synth(json!({"type": "integer", "minimum": 1, "maximum": 4, "multipleOf": 5})),
        Err(SynthError::Unsatisfiable { .. })
    ));
}

#[test]
fn arrays_min_max_and_unique_items() {
    assert_eq!(
        ok(json!({"type": "array", "items": {"type": "boolean"}})),
        json!([true])
    );
    assert_eq!(
        ok(json!({"type": "array", "minItems": 3, "items": {"type": "integer"}})),
        json!([1, 1, 1])
    );
    assert_eq!(ok(json!({"type": "array", "maxItems": 0})), json!([]));
    assert_eq!(
        ok(
            json!({"type": "array", "minItems": 3, "uniqueItems": true, "items": {"type": "integer"}})
        ),
        json!([1, 2, 3])
    );
    assert_eq!(
        ok(json!({"type": "array", "minItems": 2, "uniqueItems": true,
            "items": {"type": "string", "enum": ["a", "b"]}})),
        json!(["a", "b"])
    );
    assert_eq!(
        ok(
            json!({"type": "array", "minItems": 2, "uniqueItems": true, "items": {"type": "string"}})
        ),
        json!(["string", "string1"])
    );
    assert!(matches!(
        synth(json!({"type": "array", "minItems": 3, "uniqueItems": true,
            "items": {"type": "string", "enum": ["a", "b"]}})),
        Err(SynthError::Unsatisfiable { .. })
    ));
}

#[test]
fn objects_required_or_all_properties_in_declared_order() {
    let d = doc();
    let pet = json!({"$ref": "#/components/schemas/Pet"});
    assert_eq!(
        Synth::new(&d).value(&pet).unwrap(),
        json!({"name": "string"})
    );
    let all = Synth::new(&d).with_optional(true).value(&pet).unwrap();
    assert_eq!(
        serde_json::to_string(&all).unwrap(),
        r#"{"name":"string","tag":"cat"}"#
    );
    // additionalProperties only without properties.
    assert_eq!(
        ok(json!({"type": "object", "additionalProperties": {"type": "integer"}})),
        json!({"key": 1})
    );
    assert_eq!(
        ok(
            json!({"type": "object", "properties": {"a": {"type": "integer"}},
            "required": ["a"], "additionalProperties": {"type": "string"}})
        ),
        json!({"a": 1})
    );
    assert_eq!(ok(json!({})), json!({}));
}

#[test]
fn all_of_merges_every_member() {
    let v = ok(json!({"allOf": [
        {"$ref": "#/components/schemas/Pet"},
        {"type": "object", "required": ["age"], "properties": {"age": {"type": "integer", "minimum": 2}}},
        {"allOf": [{"required": ["tag"]}]}
    ]}));
    assert_eq!(v, json!({"name": "string", "tag": "cat", "age": 2}));
    // A member's example is not the whole object's.
    let v = ok(
        json!({"allOf": [{"type": "object", "example": {"x": 1}}, {"required": ["y"],
        "properties": {"y": {"type": "boolean"}}}]}),
    );
    assert_eq!(v, json!({"y": true}));
}

#[test]
fn one_of_takes_the_first_variant_that_synthesizes() {
    let v = ok(json!({"oneOf": [
        {"type": "string", "pattern": "(?=unsupported)"},
        {"type": "integer"}
    ]}));
    assert_eq!(v, 1);
    let v = ok(json!({"anyOf": [
        {"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}}));
    assert_eq!(v, json!({"kind": "cat", "meow": true}));
    // `oneOf`: a Cat is a Dog too (Dog requires only `kind`), which `oneOf` forbids; a
    // Dog lacks Cat's `meow`, so the Dog is the value.
    let v = ok(json!({"oneOf": [
        {"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}}));
    assert_eq!(v, json!({"kind": "Dog"}));
    let v = ok(json!({"anyOf": [{"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"}}));
    assert_eq!(v, json!({"kind": "Dog"}));
    // A base object beside the variants is merged into the chosen one.
    let v = ok(
        json!({"type": "object", "required": ["base"], "properties": {"base": {"type": "integer"}},
        "oneOf": [{"required": ["a"], "properties": {"a": {"type": "string"}}}]}),
    );
    assert_eq!(v, json!({"base": 1, "a": "string"}));
    // Variants only a missing property or a JSON type tells apart: the first that all
    // others refuse; when none is, the first.
    let v = ok(json!({"oneOf": [
        {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
        {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}},
        {"type": "object", "required": ["c"], "properties": {"c": {"type": "string"}}}
    ]}));
    assert_eq!(
        v,
        json!({"c": "string"}),
        "{{a}} fits the first two variants"
    );
    let v = ok(json!({"oneOf": [{"type": "number"}, {"type": "integer"}, {"type": "string"}]}));
    assert_eq!(v, "string");
    let v = ok(json!({"oneOf": [
        {"properties": {"a": {"type": "string"}}}, {"properties": {"b": {"type": "string"}}}
    ]}));
    assert_eq!(v, json!({}), "no variant is exclusive: the first");
    let err = synth(json!({"oneOf": [{"type": "string", "pattern": "(?=x)"}]})).unwrap_err();
    assert!(matches!(err, SynthError::NoVariant { .. }), "{err}");
}

#[test]
fn nullable_never_forces_null() {
    assert_eq!(ok(json!({"type": "integer", "nullable": true})), 1);
}

#[test]
fn cycles_end() {
    let d = doc();
    let node = json!({"$ref": "#/components/schemas/Node"});
    assert_eq!(Synth::new(&d).value(&node).unwrap(), json!({"id": 1}));
    // The optional recursive property is left out; the array of nodes is empty.
    assert_eq!(
        Synth::new(&d).with_optional(true).value(&node).unwrap(),
        json!({"id": 1, "children": []})
    );
    let err = Synth::new(&d)
        .value(&json!({"$ref": "#/components/schemas/Loop"}))
        .unwrap_err();
    assert_eq!(
        err,
        SynthError::Recursion {
            pointer: "/components/schemas/Loop".into()
        }
    );
    assert_eq!(
        Synth::new(&d)
            .value(&json!({"$ref": "#/components/schemas/NullableLoop"}))
            .unwrap(),
        json!({"again": null})
    );
    // A reference chain that loops is an unresolved reference, not a hang.
    assert!(matches!(
        Synth::new(&d).value(&json!({"$ref": "#/components/schemas/A"})),
        Err(SynthError::Unresolved { .. })
    ));
}

#[test]
fn depth_is_limited() {
    let mut deep = json!({"type": "integer"});
    for _ in 0..200 {
        deep = json!({"type": "object", "required": ["a"], "properties": {"a": deep}});
    }
    let d = doc();
    assert!(matches!(
        Synth::new(&d).value(&deep),
        Err(SynthError::Depth {
            limit: DEFAULT_MAX_DEPTH,
            ..
        })
    ));
    assert!(Synth::new(&d).with_max_depth(300).value(&deep).is_ok());
}

fn op_doc() -> Value {
    json!({
        "openapi": "3.0.3",
        "paths": {"/pets/{id}": {"post": {
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                {"name": "q", "in": "query", "schema": {"type": "string"}, "example": "find"},
                {"name": "X-Trace", "in": "header", "required": true,
                 "schema": {"type": "string", "format": "uuid"}},
                {"$ref": "#/components/parameters/Limit"}
            ],
            "requestBody": {"required": false, "content": {"application/json": {
                "schema": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"},
                    "id": {"type": "integer", "readOnly": true},
                    "secret": {"type": "string", "writeOnly": true}}}}}},
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Out"},
                    "examples": {"one": {"value": {"id": 5, "secret": "s"}}}}}},
                "201": {"description": "created", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Out"}}}},
                "204": {"description": "none"},
                "4XX": {"$ref": "#/components/responses/Err"}
            }
        }}},
        "components": {
            "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 0}}},
            "responses": {"Err": {"description": "e", "content": {"application/json": {
                "schema": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}}}}},
            "schemas": {"Out": {"type": "object", "required": ["id", "secret"], "properties": {
                "id": {"type": "integer", "readOnly": true},
                "secret": {"type": "string", "writeOnly": true}}}}
        }
    })
}

#[test]
fn request_required_or_all_optional() {
    let d = op_doc();
    let s = Synth::new(&d);
    let req = s.request("/pets/{id}", "post", false).unwrap();
    assert_eq!(Value::Object(req.path.clone()), json!({"id": 1}));
    assert!(req.query.is_empty());
    assert_eq!(
        Value::Object(req.headers.clone()),
        json!({"X-Trace": "00000000-0000-4000-8000-000000000000"})
    );
    assert_eq!(req.body, None);
    // `with_body`: the optional body anyway, with its required properties only, and
    // the `writeOnly` one, which exists for requests (normalization cannot leave it in
    // `required`).
    let req = Synth::new(&d)
        .with_body(true)
        .request("/pets/{id}", "post", false)
        .unwrap();
    assert_eq!(
        req.body,
        Some(json!({"name": "string", "secret": "string"}))
    );
    let req = s.request("/pets/{id}", "POST", true).unwrap();
    assert_eq!(Value::Object(req.query), json!({"q": "find", "limit": 0}));
    // readOnly properties are not sent.
    assert_eq!(
        req.body,
        Some(json!({"name": "string", "secret": "string"}))
    );
    assert_eq!(req.media_type.as_deref(), Some("application/json"));
    assert!(matches!(
        s.request("/nope", "get", false),
        Err(SynthError::NoOperation { .. })
    ));
}

#[test]
fn response_examples_statuses_and_write_only() {
    let d = op_doc();
    let s = Synth::new(&d);
    assert_eq!(
        s.response("/pets/{id}", "post", "200").unwrap(),
        Some(json!({"id": 5, "secret": "s"}))
    );
    // writeOnly properties are not returned.
    assert_eq!(
        s.response("/pets/{id}", "post", "201").unwrap(),
        Some(json!({"id": 1}))
    );
    assert_eq!(s.response("/pets/{id}", "post", "204").unwrap(), None);
    assert_eq!(
        s.response("/pets/{id}", "post", "404").unwrap(),
        Some(json!({"message": "string"}))
    );
    assert!(matches!(
        s.response("/pets/{id}", "post", "500"),
        Err(SynthError::NoResponse { .. })
    ));
}

/// Schema-like JSON: keywords mixed with junk values of every type.
fn arb_schema() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "type",
        "format",
        "pattern",
        "enum",
        "example",
        "examples",
        "default",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "multipleOf",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "items",
        "properties",
        "required",
        "allOf",
        "oneOf",
        "anyOf",
        "additionalProperties",
        "nullable",
        "$ref",
        "discriminator",
        "readOnly",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "string",
            "integer",
            "number",
            "object",
            "array",
            "boolean",
            "null",
            "date-time",
            "uuid",
            "^a+$",
            "(",
            "[z-a]",
            "#/components/schemas/Node",
            "#/components/schemas/Loop",
            "#/nope",
            "name",
        ])
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// No input panics or hangs, and the same input gives the same output.
    #[test]
    fn never_panics_and_is_deterministic(schema in arb_schema(), optional in any::<bool>()) {
        let d = doc();
        let s = Synth::new(&d).with_optional(optional);
        let a = s.value(&schema);
        let b = s.value(&schema);
        prop_assert_eq!(a, b);
    }
}
