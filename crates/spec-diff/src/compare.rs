//! Comparing two normalized OpenAPI 3.0 documents and their normalization facts.
//!
//! Operations are matched by method and path with path parameter names ignored
//! (`/a/{id}` and `/a/{key}` are one operation whose parameter was renamed); operations
//! left over on both sides with the same operationId are one operation that moved.
//! Bodies, responses and parameter schemas are compared with every `$ref` resolved and
//! `allOf` flattened, so where a schema is declared (inline or in `components`) does not
//! matter. Whether a schema difference breaks callers depends on the side: a new
//! required field breaks a request, a removed field breaks a response. The facts say
//! what the documents no longer do: a request body's real media type (a multipart or XML
//! body is declared as JSON or bytes for progenitor) is compared instead of the declared
//! one, and a change of the statuses whose empty body reads as `None` is reported.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use apikit_codegen::normalize::{Normalized, OperationFacts, walk};

use super::{Change, Kind};

/// Every difference between `old` and `new` (normalized documents of `provider`), in
/// discovery order; [`super::Report::sort`] orders them.
pub fn compare(provider: &str, old: &Normalized, new: &Normalized) -> Vec<Change> {
    let mut cx = Cx {
        provider,
        old_root: &old.doc,
        new_root: &new.doc,
        out: vec![],
    };
    cx.document(operations(old), operations(new));
    cx.out
}

struct Cx<'a> {
    provider: &'a str,
    old_root: &'a Value,
    new_root: &'a Value,
    out: Vec<Change>,
}

/// One operation of a document.
struct Op<'a> {
    method: &'a str,
    path: &'a str,
    op: &'a Value,
    /// What normalization recorded for it.
    facts: Option<&'a OperationFacts>,
}

impl Op<'_> {
    fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// Method and path with template variable names dropped: `GET /a/{}`.
    fn key(&self) -> String {
        format!("{} {}", self.method, template_key(self.path))
    }

    fn id(&self) -> Option<&str> {
        self.op.get("operationId").and_then(Value::as_str)
    }
}

fn template_key(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_var = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_var = true;
                out.push('{');
            }
            '}' => {
                in_var = false;
                out.push('}');
            }
            _ if in_var => {}
            _ => out.push(c),
        }
    }
    out
}

/// Which schema a comparison is in: decides what a difference means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
    Parameter,
}

/// A schema difference, before the side turns it into a [`Kind`].
enum Finding {
    FieldAdded { required: bool },
    FieldRemoved,
    RequiredAdded,
    RequiredRemoved,
    NullableAdded,
    NullableRemoved,
    TypeChanged,
    EnumAdded,
    EnumRemoved,
    Docs,
}

impl<'a> Cx<'a> {
    fn push(&mut self, kind: Kind, operation: &str, location: String, detail: String) {
        self.out.push(Change::new(
            self.provider,
            kind,
            operation,
            location,
            detail,
        ));
    }

    fn document(&mut self, old_ops: Vec<Op<'_>>, new_ops: Vec<Op<'_>>) {
        let mut new_by_key: BTreeMap<String, usize> = BTreeMap::new();
        for (i, op) in new_ops.iter().enumerate() {
            new_by_key.entry(op.key()).or_insert(i);
        }
        let mut new_used = vec![false; new_ops.len()];
        let mut pairs = vec![];
        let mut old_left = vec![];
        for (i, op) in old_ops.iter().enumerate() {
            match new_by_key.get(&op.key()) {
                Some(&j) if !new_used[j] => {
                    new_used[j] = true;
                    pairs.push((i, j, false));
                }
                _ => old_left.push(i),
            }
        }
        // Left on both sides with one operationId: the operation moved.
        let mut removed = vec![];
        for i in old_left {
            let id = old_ops[i].id();
            let moved =
                (0..new_ops.len()).find(|&j| !new_used[j] && id.is_some() && new_ops[j].id() == id);
            match moved {
                Some(j) => {
                    new_used[j] = true;
                    pairs.push((i, j, true));
                }
                None => removed.push(i),
            }
        }
        for i in removed {
            let op = &old_ops[i];
            let label = op.label();
            self.push(
                Kind::OperationRemoved,
                &label,
                label.clone(),
                format!("operation `{}` removed", op.id().unwrap_or("?")),
            );
        }
        for (j, op) in new_ops.iter().enumerate() {
            if !new_used[j] {
                let label = op.label();
                self.push(
                    Kind::OperationAdded,
                    &label,
                    label.clone(),
                    format!("new operation `{}`", op.id().unwrap_or("?")),
                );
            }
        }
        for (i, j, moved) in pairs {
            self.operation(&old_ops[i], &new_ops[j], moved);
        }
        self.document_security();
    }

    fn document_security(&mut self) {
        let old = self.old_root.get("security");
        let new = self.new_root.get("security");
        if security_set(old) != security_set(new) {
            self.push(
                Kind::SecurityChanged,
                "#/security",
                "#/security".into(),
                format!(
                    "default security requirement changed from {} to {} (operations without their own `security`)",
                    security_text(old),
                    security_text(new)
                ),
            );
        }
    }

    fn operation(&mut self, old: &Op, new: &Op, moved: bool) {
        let label = new.label();
        let loc = || label.clone();
        if moved {
            self.push(
                Kind::OperationMoved,
                &label,
                loc(),
                format!(
                    "operation `{}` moved from `{}`",
                    new.id().unwrap_or("?"),
                    old.label()
                ),
            );
        } else if old.id() != new.id() {
            self.push(
                Kind::OperationRenamed,
                &label,
                loc(),
                format!(
                    "operationId `{}` is now `{}`: the client method is renamed",
                    old.id().unwrap_or("?"),
                    new.id().unwrap_or("?")
                ),
            );
        }
        for key in ["summary", "description"] {
            if old.op.get(key) != new.op.get(key) {
                self.push(
                    Kind::DocsChanged,
                    &label,
                    loc(),
                    format!("operation {key} changed"),
                );
            }
        }
        let deprecated = |o: &Op| o.op.get("deprecated") == Some(&Value::Bool(true));
        if !deprecated(old) && deprecated(new) {
            self.push(
                Kind::OperationDeprecated,
                &label,
                loc(),
                "operation is now deprecated".into(),
            );
        }
        self.parameters(old, new, &label, !moved);
        self.request_body(old, new, &label);
        self.responses(old, new, &label);
        self.operation_security(old, new, &label);
    }

    fn operation_security(&mut self, old: &Op, new: &Op, label: &str) {
        let (o, n) = (old.op.get("security"), new.op.get("security"));
        // Differences that only come from the document-level default are reported once,
        // at `#/security`.
        if o.is_none() && n.is_none() {
            return;
        }
        let old_eff = o.or_else(|| self.old_root.get("security"));
        let new_eff = n.or_else(|| self.new_root.get("security"));
        if security_set(old_eff) != security_set(new_eff) {
            self.push(
                Kind::SecurityChanged,
                label,
                label.to_owned(),
                format!(
                    "security requirement changed from {} to {}",
                    security_text(old_eff),
                    security_text(new_eff)
                ),
            );
        }
    }

    fn parameters(&mut self, old: &Op, new: &Op, label: &str, by_position: bool) {
        let old_params = params(old.op, self.old_root);
        let new_params = params(new.op, self.new_root);
        let mut pairs: Vec<(usize, usize)> = vec![];
        let mut old_used = vec![false; old_params.len()];
        let mut new_used = vec![false; new_params.len()];
        // Path parameters of one path template pair up by position.
        if by_position {
            let (ov, nv) = (
                walk::template_names(old.path),
                walk::template_names(new.path),
            );
            for (a, b) in ov.iter().zip(&nv) {
                let i = old_params
                    .iter()
                    .position(|p| p.location == "path" && p.name == *a);
                let j = new_params
                    .iter()
                    .position(|p| p.location == "path" && p.name == *b);
                if let (Some(i), Some(j)) = (i, j) {
                    old_used[i] = true;
                    new_used[j] = true;
                    pairs.push((i, j));
                }
            }
        }
        // Then by location and name (header names are case-insensitive).
        for (i, p) in old_params.iter().enumerate() {
            if old_used[i] {
                continue;
            }
            if let Some(j) =
                (0..new_params.len()).find(|&j| !new_used[j] && new_params[j].same_slot(p))
            {
                old_used[i] = true;
                new_used[j] = true;
                pairs.push((i, j));
            }
        }
        // Same name in another location: moved.
        for (i, p) in old_params.iter().enumerate() {
            if old_used[i] {
                continue;
            }
            if let Some(j) =
                (0..new_params.len()).find(|&j| !new_used[j] && new_params[j].name == p.name)
            {
                old_used[i] = true;
                new_used[j] = true;
                let q = &new_params[j];
                self.push(
                    Kind::ParameterMoved,
                    label,
                    label.to_owned(),
                    format!(
                        "parameter `{}` moved from {} to {}",
                        p.name, p.location, q.location
                    ),
                );
                self.parameter_pair(p, q, label);
            }
        }
        // One parameter of a location replaced by one with the same schema: renamed.
        for location in ["query", "header", "path", "cookie"] {
            let left_old: Vec<usize> = (0..old_params.len())
                .filter(|&i| !old_used[i] && old_params[i].location == location)
                .collect();
            let left_new: Vec<usize> = (0..new_params.len())
                .filter(|&j| !new_used[j] && new_params[j].location == location)
                .collect();
            if let ([i], [j]) = (left_old.as_slice(), left_new.as_slice()) {
                let (p, q) = (&old_params[*i], &new_params[*j]);
                if walk::shape(&p.schema_resolved(self.old_root))
                    == walk::shape(&q.schema_resolved(self.new_root))
                {
                    old_used[*i] = true;
                    new_used[*j] = true;
                    pairs.push((*i, *j));
                }
            }
        }
        for (i, j) in pairs {
            let (p, q) = (&old_params[i], &new_params[j]);
            if p.name != q.name {
                self.push(
                    Kind::ParameterRenamed,
                    label,
                    label.to_owned(),
                    format!(
                        "{} parameter `{}` renamed to `{}`",
                        p.location, p.name, q.name
                    ),
                );
            }
            self.parameter_pair(p, q, label);
        }
        for (i, p) in old_params.iter().enumerate() {
            if !old_used[i] {
                self.push(
                    Kind::ParameterRemoved,
                    label,
                    label.to_owned(),
                    format!("{} parameter `{}` removed", p.location, p.name),
                );
            }
        }
        for (j, q) in new_params.iter().enumerate() {
            if !new_used[j] {
                let (kind, what) = if q.required {
                    (Kind::ParameterRequiredAdded, "new required")
                } else {
                    (Kind::ParameterAdded, "new optional")
                };
                self.push(
                    kind,
                    label,
                    label.to_owned(),
                    format!("{what} {} parameter `{}`", q.location, q.name),
                );
            }
        }
    }

    fn parameter_pair(&mut self, p: &Param, q: &Param, label: &str) {
        let name = &q.name;
        if !p.required && q.required {
            self.push(
                Kind::ParameterRequired,
                label,
                label.to_owned(),
                format!("{} parameter `{name}` is now required", q.location),
            );
        } else if p.required && !q.required {
            self.push(
                Kind::ParameterOptional,
                label,
                label.to_owned(),
                format!("{} parameter `{name}` is now optional", q.location),
            );
        }
        if p.description != q.description {
            self.push(
                Kind::DocsChanged,
                label,
                label.to_owned(),
                format!("{} parameter `{name}`: description changed", q.location),
            );
        }
        let prefix = format!("{label} {} parameter {name}", q.location);
        let mut schemas = SchemaCx::new(self, Side::Parameter, label, prefix);
        schemas.walk(&p.schema, &q.schema, "");
    }

    fn request_body(&mut self, old: &Op, new: &Op, label: &str) {
        let o = old
            .op
            .get("requestBody")
            .map(|b| walk::deref(b, component_root(self.old_root)));
        let n = new
            .op
            .get("requestBody")
            .map(|b| walk::deref(b, component_root(self.new_root)));
        let required = |b: &Value| b.get("required") == Some(&Value::Bool(true));
        let loc = format!("{label} request");
        match (o, n) {
            (None, None) => {}
            (None, Some(n)) => {
                let kind = if required(n) {
                    Kind::RequestBodyRequired
                } else {
                    Kind::RequestBodyAdded
                };
                let what = if required(n) { "required" } else { "optional" };
                self.push(kind, label, loc, format!("new {what} request body"));
            }
            (Some(_), None) => {
                self.push(
                    Kind::RequestBodyRemoved,
                    label,
                    loc,
                    "request body removed".into(),
                );
            }
            (Some(o), Some(n)) => {
                if !required(o) && required(n) {
                    self.push(
                        Kind::RequestBodyRequired,
                        label,
                        loc.clone(),
                        "request body is now required".into(),
                    );
                }
                if o.get("description") != n.get("description") {
                    self.push(
                        Kind::DocsChanged,
                        label,
                        loc.clone(),
                        "request body description changed".into(),
                    );
                }
                let sent = (request_media(old), request_media(new));
                self.content(o, n, label, "request body", Side::Request, loc, sent);
            }
        }
    }

    /// Compares the `content` of two bodies: media types, then the schemas of the first
    /// media type both have. `sent` is each side's `request_media` fact: the type a
    /// request body really goes out as, which replaces the one declared for progenitor
    /// (the body's only content entry).
    #[allow(
        clippy::too_many_arguments,
        reason = "one call per body kind; a struct would only rename them"
    )]
    fn content(
        &mut self,
        o: &Value,
        n: &Value,
        label: &str,
        what: &str,
        side: Side,
        loc: String,
        sent: (Option<&str>, Option<&str>),
    ) {
        let media = |v: &Value, sent: Option<&str>| -> Vec<String> {
            match sent {
                Some(real) => vec![real.to_owned()],
                None => v
                    .get("content")
                    .and_then(Value::as_object)
                    .map(|c| c.keys().cloned().collect())
                    .unwrap_or_default(),
            }
        };
        let (om, nm) = (media(o, sent.0), media(n, sent.1));
        if om.iter().collect::<BTreeSet<_>>() != nm.iter().collect::<BTreeSet<_>>() {
            self.push(
                Kind::MediaTypeChanged,
                label,
                loc.clone(),
                format!(
                    "{what} media type changed from {} to {}",
                    list_or(&om, "no body"),
                    list_or(&nm, "no body")
                ),
            );
        }
        // Schemas of different media types (JSON and a PDF) say nothing about each
        // other: the media type change above is the whole story then.
        let Some(m) = om.iter().find(|m| nm.contains(m)) else {
            return;
        };
        let (os, ns) = (schema_in(o, m, sent.0), schema_in(n, m, sent.1));
        match (os, ns) {
            (Some(os), Some(ns)) => {
                let mut schemas = SchemaCx::new(self, side, label, loc);
                schemas.walk(os, ns, "");
            }
            (None, None) => {}
            _ => self.push(
                Kind::MediaTypeChanged,
                label,
                loc,
                format!("{what}: schema added or removed"),
            ),
        }
    }

    fn responses(&mut self, old: &Op, new: &Op, label: &str) {
        let os = success_responses(old.op, self.old_root);
        let ns = success_responses(new.op, self.new_root);
        let codes = |v: &[(String, &Value)]| -> Vec<String> {
            let mut c: Vec<String> = v.iter().map(|(c, _)| c.clone()).collect();
            c.sort();
            c
        };
        let loc = format!("{label} response");
        let empty = |op: &Op| -> Vec<String> {
            let mut codes = op
                .facts
                .map(|f| f.empty_success.clone())
                .unwrap_or_default();
            codes.sort();
            codes
        };
        let (oe, ne) = (empty(old), empty(new));
        if oe != ne {
            let option = match (oe.is_empty(), ne.is_empty()) {
                (true, false) => "the success type is now an `Option`",
                (false, true) => "the success type is no longer an `Option`",
                _ => "the statuses that return `None` differ",
            };
            self.push(
                Kind::EmptySuccessChanged,
                label,
                loc.clone(),
                format!(
                    "empty success bodies read as `None` for {} (was {}): {option}",
                    list_or(&ne, "no status"),
                    list_or(&oe, "no status")
                ),
            );
        }
        let (oc, nc) = (codes(&os), codes(&ns));
        if oc != nc {
            self.push(
                Kind::SuccessStatusChanged,
                label,
                loc.clone(),
                format!(
                    "success status changed from {} to {}",
                    list_or(&oc, "none"),
                    list_or(&nc, "none")
                ),
            );
        }
        // The responses pass gives every 2xx one schema, so the first of each side
        // stands for all (a common status code if there is one).
        let pick = os
            .iter()
            .find_map(|(c, o)| ns.iter().find(|(d, _)| d == c).map(|(_, n)| (*o, *n)))
            .or_else(|| Some((os.first()?.1, ns.first()?.1)));
        if let Some((o, n)) = pick {
            if o.get("description") != n.get("description") {
                self.push(
                    Kind::DocsChanged,
                    label,
                    loc.clone(),
                    "success response description changed".into(),
                );
            }
            self.content(
                o,
                n,
                label,
                "success response",
                Side::Response,
                loc,
                (None, None),
            );
        }
    }
}

/// The media type an operation's request body is really sent as, when normalization
/// declared another one for progenitor.
fn request_media<'a>(op: &Op<'a>) -> Option<&'a str> {
    op.facts.and_then(|f| f.request_media.as_deref())
}

/// The 2xx responses of an operation, `$ref`s resolved, in document order.
fn success_responses<'v>(op: &'v Value, root: &'v Value) -> Vec<(String, &'v Value)> {
    op.get("responses")
        .and_then(Value::as_object)
        .map(|r| {
            r.iter()
                .filter(|(code, _)| code.starts_with('2'))
                .map(|(code, v)| (code.clone(), walk::deref(v, component_root(root))))
                .collect()
        })
        .unwrap_or_default()
}

/// The schema of `body` for `media`; for the media type a request body is really sent
/// as (`sent`), the schema of its one declared entry.
fn schema_in<'v>(body: &'v Value, media: &str, sent: Option<&str>) -> Option<&'v Value> {
    let content = body.get("content")?;
    if sent == Some(media) {
        return content.as_object()?.values().next()?.get("schema");
    }
    content.get(media)?.get("schema")
}

fn list_or(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        empty.to_owned()
    } else {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn component_root(doc: &Value) -> &Value {
    doc.get("components").unwrap_or(&Value::Null)
}

fn operations(n: &Normalized) -> Vec<Op<'_>> {
    walk::operations(&n.doc)
        .into_iter()
        .map(|(path, method, op)| Op {
            method,
            path,
            op,
            facts: n.facts.get(path, method),
        })
        .collect()
}

/// Each requirement as a sorted list of `scheme[scopes]` strings; the whole as a set.
fn security_set(v: Option<&Value>) -> Option<BTreeSet<Vec<String>>> {
    let list = v?.as_array()?;
    Some(
        list.iter()
            .map(|req| {
                let mut schemes: Vec<String> = req
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, scopes)| {
                                let mut s: Vec<&str> = scopes
                                    .as_array()
                                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                                    .unwrap_or_default();
                                s.sort();
                                format!("{k}[{}]", s.join(","))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                schemes.sort();
                schemes
            })
            .collect(),
    )
}

fn security_text(v: Option<&Value>) -> String {
    match security_set(v) {
        None => "none declared".into(),
        Some(set) if set.is_empty() => "`[]` (no credential)".into(),
        Some(set) => set
            .iter()
            .map(|req| {
                if req.is_empty() {
                    "`{}` (anonymous)".to_owned()
                } else {
                    format!("`{}`", req.join(" + "))
                }
            })
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

/// A parameter with its `$ref` resolved.
struct Param<'a> {
    name: String,
    location: String,
    required: bool,
    description: Option<&'a Value>,
    schema: Value,
}

impl Param<'_> {
    fn same_slot(&self, other: &Param) -> bool {
        self.location == other.location
            && if self.location == "header" {
                self.name.eq_ignore_ascii_case(&other.name)
            } else {
                self.name == other.name
            }
    }

    fn schema_resolved(&self, root: &Value) -> Value {
        walk::deref(&self.schema, component_root(root)).clone()
    }
}

fn params<'a>(op: &'a Value, root: &'a Value) -> Vec<Param<'a>> {
    let components = component_root(root);
    op.get("parameters")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|p| walk::deref(p, components))
                .filter_map(|p| {
                    Some(Param {
                        name: p.get("name")?.as_str()?.to_owned(),
                        location: p.get("in")?.as_str()?.to_owned(),
                        required: p.get("required") == Some(&Value::Bool(true)),
                        description: p.get("description"),
                        schema: p.get("schema").cloned().unwrap_or(Value::Null),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Walks two schemas side by side. `seen` holds the `$ref` pairs already compared under
/// this root: it guards against recursive schemas and keeps a shared component from
/// being reported once per place it is used.
struct SchemaCx<'c, 'a> {
    cx: &'c mut Cx<'a>,
    side: Side,
    operation: String,
    prefix: String,
    seen: HashSet<(String, String)>,
}

impl<'c, 'a> SchemaCx<'c, 'a> {
    fn new(cx: &'c mut Cx<'a>, side: Side, operation: &str, prefix: String) -> Self {
        SchemaCx {
            cx,
            side,
            operation: operation.to_owned(),
            prefix,
            seen: HashSet::new(),
        }
    }

    fn walk(&mut self, old: &Value, new: &Value, path: &str) {
        let (o, oref) = walk::resolve(old, self.cx.old_root);
        let (n, nref) = walk::resolve(new, self.cx.new_root);
        if let (Some(a), Some(b)) = (oref, nref)
            && !self.seen.insert((a.to_owned(), b.to_owned()))
        {
            return;
        }
        let o = flatten(o, self.cx.old_root, 0);
        let n = flatten(n, self.cx.new_root, 0);
        if o.get("description") != n.get("description") && !path.is_empty() {
            self.finding(path, Finding::Docs, "description changed".into());
        }
        let (on, nn) = (nullable(&o), nullable(&n));
        if !on && nn {
            self.finding(path, Finding::NullableAdded, "now nullable".into());
        } else if on && !nn {
            self.finding(path, Finding::NullableRemoved, "no longer nullable".into());
        }
        let (ot, nt) = (type_of(&o), type_of(&n));
        if ot != nt {
            let detail = format!("type changed from `{ot}` to `{nt}`");
            self.finding(path, Finding::TypeChanged, detail);
            return;
        }
        match ot.as_str() {
            "object" => self.object(&o, &n, path),
            "map" => {
                if let (Some(a), Some(b)) = (
                    o.get("additionalProperties").filter(|v| v.is_object()),
                    n.get("additionalProperties").filter(|v| v.is_object()),
                ) {
                    self.walk(a, b, &format!("{path}/*"));
                }
            }
            "array" => {
                if let (Some(a), Some(b)) = (o.get("items"), n.get("items")) {
                    self.walk(a, b, &format!("{path}/[]"));
                }
            }
            t if t.starts_with("oneOf") || t.starts_with("anyOf") => {
                let key = &t[..5];
                let (a, b) = (o.get(key), n.get(key));
                if let (Some(Value::Array(a)), Some(Value::Array(b))) = (a, b) {
                    for (i, (x, y)) in a.iter().zip(b).enumerate() {
                        self.walk(x, y, &format!("{path}/{key}/{i}"));
                    }
                }
            }
            _ => {}
        }
        let (oe, ne) = (enum_values(&o), enum_values(&n));
        if let (Some(oe), Some(ne)) = (oe, ne) {
            for v in oe.difference(&ne) {
                self.finding(
                    path,
                    Finding::EnumRemoved,
                    format!("enum value `{v}` removed"),
                );
            }
            for v in ne.difference(&oe) {
                self.finding(path, Finding::EnumAdded, format!("enum value `{v}` added"));
            }
        }
    }

    fn object(&mut self, o: &Value, n: &Value, path: &str) {
        let empty = Map::new();
        let props = |v: &Value| v.get("properties").and_then(Value::as_object).cloned();
        let (op, np) = (props(o), props(n));
        let (op, np) = (op.as_ref().unwrap_or(&empty), np.as_ref().unwrap_or(&empty));
        let (or, nr) = (required(o), required(n));
        for (name, a) in op {
            let p = format!("{path}/{name}");
            match np.get(name) {
                None => self.finding(&p, Finding::FieldRemoved, format!("field `{name}` removed")),
                Some(b) => {
                    match (or.contains(name.as_str()), nr.contains(name.as_str())) {
                        (false, true) => self.finding(
                            &p,
                            Finding::RequiredAdded,
                            format!("field `{name}` is now required"),
                        ),
                        (true, false) => self.finding(
                            &p,
                            Finding::RequiredRemoved,
                            format!("field `{name}` is now optional"),
                        ),
                        _ => {}
                    }
                    self.walk(a, b, &p);
                }
            }
        }
        for (name, b) in np {
            if !op.contains_key(name) {
                let req = nr.contains(name.as_str());
                let ty = type_of(&flatten(
                    walk::resolve(b, self.cx.new_root).0,
                    self.cx.new_root,
                    0,
                ));
                let what = if req { "required" } else { "optional" };
                self.finding(
                    &format!("{path}/{name}"),
                    Finding::FieldAdded { required: req },
                    format!("new {what} field `{name}` (`{ty}`)"),
                );
            }
        }
        if let (Some(a), Some(b)) = (
            o.get("additionalProperties").filter(|v| v.is_object()),
            n.get("additionalProperties").filter(|v| v.is_object()),
        ) {
            self.walk(a, b, &format!("{path}/*"));
        }
    }

    fn finding(&mut self, path: &str, finding: Finding, detail: String) {
        use Finding as F;
        use Kind as K;
        let kind = match (self.side, &finding) {
            (_, F::Docs) => Some(K::DocsChanged),
            (Side::Request, F::FieldAdded { required: true }) => Some(K::RequestFieldRequiredAdded),
            (Side::Request, F::FieldAdded { required: false }) => Some(K::RequestFieldAdded),
            (Side::Request, F::FieldRemoved) => Some(K::RequestFieldRemoved),
            (Side::Request, F::RequiredAdded) => Some(K::RequestFieldRequired),
            (Side::Request, F::RequiredRemoved) => Some(K::RequestFieldOptional),
            (Side::Request, F::NullableAdded) => Some(K::RequestFieldNullable),
            (Side::Request, F::NullableRemoved | F::TypeChanged) => {
                Some(K::RequestFieldTypeChanged)
            }
            (Side::Request | Side::Parameter, F::EnumRemoved) => Some(K::RequestEnumValueRemoved),
            (Side::Request | Side::Parameter, F::EnumAdded) => Some(K::RequestEnumValueAdded),
            (Side::Response, F::FieldAdded { .. }) => Some(K::ResponseFieldAdded),
            (Side::Response, F::FieldRemoved) => Some(K::ResponseFieldRemoved),
            (Side::Response, F::RequiredAdded) => Some(K::ResponseFieldRequired),
            (Side::Response, F::RequiredRemoved) => Some(K::ResponseFieldOptional),
            (Side::Response, F::NullableAdded) => Some(K::ResponseFieldNullable),
            (Side::Response, F::NullableRemoved) => Some(K::ResponseFieldNonNullable),
            (Side::Response, F::TypeChanged) => Some(K::ResponseFieldTypeChanged),
            (Side::Response, F::EnumAdded) => Some(K::ResponseEnumValueAdded),
            (Side::Response, F::EnumRemoved) => Some(K::ResponseEnumValueRemoved),
            // A parameter that now also accepts null changes nothing for the caller.
            (Side::Parameter, F::NullableAdded | F::FieldAdded { required: false }) => None,
            (Side::Parameter, _) => Some(K::ParameterTypeChanged),
        };
        if let Some(kind) = kind {
            let location = if path.is_empty() {
                self.prefix.clone()
            } else {
                format!("{} {path}", self.prefix)
            };
            let operation = self.operation.clone();
            self.cx.push(kind, &operation, location, detail);
        }
    }
}

/// `allOf` merged into one schema: properties (first declaration wins), `required`
/// unioned, other keys taken from the first member that has them. An inline object and
/// `allOf: [$ref Base, {extra}]` with the same fields are then the same.
fn flatten<'v>(v: &'v Value, root: &'v Value, depth: usize) -> Cow<'v, Value> {
    let Some(Value::Array(members)) = v.get("allOf") else {
        return Cow::Borrowed(v);
    };
    if depth > 16 {
        return Cow::Borrowed(v);
    }
    let mut out: Map<String, Value> = v
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != "allOf")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut props = out
        .remove("properties")
        .and_then(|p| p.as_object().cloned())
        .unwrap_or_default();
    let mut req: Vec<Value> = out
        .remove("required")
        .and_then(|r| r.as_array().cloned())
        .unwrap_or_default();
    for m in members {
        let m = flatten(walk::resolve(m, root).0, root, depth + 1);
        let Some(m) = m.as_object() else { continue };
        for (k, val) in m {
            match k.as_str() {
                "properties" => {
                    if let Some(p) = val.as_object() {
                        for (name, s) in p {
                            props.entry(name.clone()).or_insert_with(|| s.clone());
                        }
                    }
                }
                "required" => {
                    for r in val.as_array().into_iter().flatten() {
                        if !req.contains(r) {
                            req.push(r.clone());
                        }
                    }
                }
                // Annotations of a member do not describe the merged schema.
                "description" | "title" | "example" | "externalDocs" => {}
                _ => {
                    out.entry(k.clone()).or_insert_with(|| val.clone());
                }
            }
        }
    }
    if !props.is_empty() {
        out.insert("properties".into(), Value::Object(props));
        out.entry("type").or_insert_with(|| "object".into());
    }
    if !req.is_empty() {
        out.insert("required".into(), Value::Array(req));
    }
    Cow::Owned(Value::Object(out))
}

fn nullable(v: &Value) -> bool {
    v.get("nullable") == Some(&Value::Bool(true))
}

fn required(v: &Value) -> BTreeSet<&str> {
    v.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// String enum values (as text), when the schema is an enum.
fn enum_values(v: &Value) -> Option<BTreeSet<String>> {
    let values = v.get("enum")?.as_array()?;
    Some(
        values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
    )
}

/// What Rust type family a schema becomes: `string`, `string:date-time`, `enum` (a
/// string enum type), `integer:int64`, `object`, `map`, `array`, `oneOf(2)`, `any`, ...
/// Two schemas with different families are a type change.
fn type_of(v: &Value) -> String {
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(a)) = v.get(key)
            && !a.is_empty()
        {
            return format!("{key}({})", a.len());
        }
    }
    let ty = match v.get("type").and_then(Value::as_str) {
        Some(t) => t.to_owned(),
        None if v.get("properties").is_some() || v.get("additionalProperties").is_some() => {
            "object".into()
        }
        None if v.get("items").is_some() => "array".into(),
        None => match v
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            Some(Value::String(_)) => "string".into(),
            Some(Value::Number(_)) => "number".into(),
            Some(Value::Bool(_)) => "boolean".into(),
            _ => "any".into(),
        },
    };
    if ty == "object"
        && v.get("properties").is_none()
        && v.get("additionalProperties")
            .is_some_and(|a| a.is_object() || a == &Value::Bool(true))
    {
        return "map".into();
    }
    if ty == "string" && v.get("enum").is_some() {
        return "enum".into();
    }
    match v.get("format").and_then(Value::as_str) {
        Some(f) if matches!(ty.as_str(), "string" | "integer" | "number") => format!("{ty}:{f}"),
        _ => ty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_templates_match_without_names() {
        assert_eq!(template_key("/a/{id}/b/{x}"), "/a/{}/b/{}");
        assert_eq!(walk::template_names("/a/{id}/b/{x}.json"), ["id", "x"]);
    }

    #[test]
    fn allof_flattens_into_one_object() {
        let root = json!({"components": {"schemas": {"Base": {
            "type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}}});
        let v = json!({"allOf": [{"$ref": "#/components/schemas/Base"},
            {"properties": {"name": {"type": "string"}}}]});
        let flat = flatten(&v, &root, 0);
        assert_eq!(flat["required"], json!(["id"]));
        assert_eq!(
            flat["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["id", "name"]
        );
        assert_eq!(type_of(&flat), "object");
    }

    #[test]
    fn recursive_schemas_terminate() {
        let doc = json!({
            "openapi": "3.0.3",
            "paths": {"/n": {"get": {"operationId": "n", "responses": {"200": {"description": "x",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}}}}},
            "components": {"schemas": {"Node": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}}
        });
        let mut new = doc.clone();
        new["components"]["schemas"]["Node"]["properties"]["name"] = json!({"type": "string"});
        let plain = |doc: Value| Normalized {
            doc,
            facts: Default::default(),
            with_constraints: Value::Null,
            origins: Default::default(),
        };
        let changes = compare("p", &plain(doc), &plain(new));
        let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [Kind::ResponseFieldAdded]);
        assert_eq!(changes[0].location, "GET /n response /name");
    }
}
