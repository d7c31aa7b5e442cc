//! A typed builder for the Email Activity `query` parameter, so a filter is never
//! assembled by hand: string values are quoted and escaped, compound conditions are
//! parenthesised, and the result goes straight into `list_message().query(..)` (the
//! client URL-encodes it).
//!
//! ```
//! use apikit_sendgrid::activity_query::{Field, Query};
//!
//! let q = Query::eq(Field::Status, "delivered").and(Query::eq(Field::ToEmail, "a@b.c"));
//! assert_eq!(q.to_string(), r#"status="delivered" AND to_email="a@b.c""#);
//!
//! let q = Query::between(Field::LastEventTime, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
//!     .and(Query::eq(Field::Subject, "say \"hi\"").or(Query::contains(Field::Categories, "news")));
//! assert_eq!(
//!     q.to_string(),
//!     r#"last_event_time BETWEEN TIMESTAMP "2026-01-01T00:00:00Z" AND TIMESTAMP "2026-01-02T00:00:00Z" AND (subject="say \"hi\"" OR Contains(categories,"news"))"#
//! );
//! ```

use std::fmt;

/// A field the activity query language filters on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Field {
    /// `msg_id`
    MsgId,
    /// `from_email`
    FromEmail,
    /// `to_email`
    ToEmail,
    /// `subject`
    Subject,
    /// `status`: `processed`, `delivered` or `not_delivered`.
    Status,
    /// `template_id`
    TemplateId,
    /// `asm_group_id`
    AsmGroupId,
    /// `api_key_id`
    ApiKeyId,
    /// `events`
    Events,
    /// `originating_ip`
    OriginatingIp,
    /// `categories`
    Categories,
    /// `unique_args`
    UniqueArgs,
    /// `outbound_ip`
    OutboundIp,
    /// `last_event_time`
    LastEventTime,
    /// `clicks`
    Clicks,
    /// `opens`
    Opens,
    /// `marketing_campaign_id`
    MarketingCampaignId,
    /// `marketing_campaign_name`
    MarketingCampaignName,
    /// `teammate`
    Teammate,
    /// Any other field, by its name in the query language. The name must be a plain
    /// identifier (letters, digits, `_`, `.`); anything else is written as `invalid`
    /// so it cannot inject syntax.
    Other(String),
}

impl Field {
    fn name(&self) -> &str {
        match self {
            Field::MsgId => "msg_id",
            Field::FromEmail => "from_email",
            Field::ToEmail => "to_email",
            Field::Subject => "subject",
            Field::Status => "status",
            Field::TemplateId => "template_id",
            Field::AsmGroupId => "asm_group_id",
            Field::ApiKeyId => "api_key_id",
            Field::Events => "events",
            Field::OriginatingIp => "originating_ip",
            Field::Categories => "categories",
            Field::UniqueArgs => "unique_args",
            Field::OutboundIp => "outbound_ip",
            Field::LastEventTime => "last_event_time",
            Field::Clicks => "clicks",
            Field::Opens => "opens",
            Field::MarketingCampaignId => "marketing_campaign_id",
            Field::MarketingCampaignName => "marketing_campaign_name",
            Field::Teammate => "teammate",
            Field::Other(name) => {
                let plain = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                if plain { name } else { "invalid" }
            }
        }
    }
}

/// How a query was built last, to know when an operand needs parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Condition,
    And,
    Or,
}

/// A filter expression of the activity query language. Build it from conditions and
/// combine with [`Query::and`], [`Query::or`] and `!` (`NOT`); `Display` (or
/// `String::from`) gives the text for the `query` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    text: String,
    shape: Shape,
}

/// A double-quoted string literal: `\` and `"` are escaped with a backslash, and
/// control characters (which the language cannot carry) are replaced by spaces.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Query {
    fn condition(text: String) -> Self {
        Query {
            text,
            shape: Shape::Condition,
        }
    }

    /// `field="value"`
    pub fn eq(field: Field, value: &str) -> Self {
        Self::condition(format!("{}={}", field.name(), quote(value)))
    }

    /// `field!="value"`
    pub fn ne(field: Field, value: &str) -> Self {
        Self::condition(format!("{}!={}", field.name(), quote(value)))
    }

    /// `field LIKE "pattern"` (`%` matches any run of characters).
    pub fn like(field: Field, pattern: &str) -> Self {
        Self::condition(format!("{} LIKE {}", field.name(), quote(pattern)))
    }

    /// `field NOT LIKE "pattern"`
    pub fn not_like(field: Field, pattern: &str) -> Self {
        Self::condition(format!("{} NOT LIKE {}", field.name(), quote(pattern)))
    }

    /// `field IN ("a","b")`
    pub fn is_in<'a>(field: Field, values: impl IntoIterator<Item = &'a str>) -> Self {
        let list: Vec<String> = values.into_iter().map(quote).collect();
        Self::condition(format!("{} IN ({})", field.name(), list.join(",")))
    }

    /// `field NOT IN ("a","b")`
    pub fn not_in<'a>(field: Field, values: impl IntoIterator<Item = &'a str>) -> Self {
        let list: Vec<String> = values.into_iter().map(quote).collect();
        Self::condition(format!("{} NOT IN ({})", field.name(), list.join(",")))
    }

    /// `field>n` for counters such as [`Field::Clicks`] and [`Field::Opens`].
    pub fn gt(field: Field, n: i64) -> Self {
        Self::condition(format!("{}>{n}", field.name()))
    }

    /// `field<n`
    pub fn lt(field: Field, n: i64) -> Self {
        Self::condition(format!("{}<{n}", field.name()))
    }

    /// `field BETWEEN TIMESTAMP "from" AND TIMESTAMP "to"`, with RFC 3339 times such as
    /// `2026-01-01T00:00:00Z`.
    pub fn between(field: Field, from: &str, to: &str) -> Self {
        Self::condition(format!(
            "{} BETWEEN TIMESTAMP {} AND TIMESTAMP {}",
            field.name(),
            quote(from),
            quote(to)
        ))
    }

    /// `Contains(field,"value")` for list fields such as [`Field::Categories`].
    pub fn contains(field: Field, value: &str) -> Self {
        Self::condition(format!("Contains({},{})", field.name(), quote(value)))
    }

    /// `field IS NULL`
    pub fn is_null(field: Field) -> Self {
        Self::condition(format!("{} IS NULL", field.name()))
    }

    /// `field IS NOT NULL`
    pub fn is_not_null(field: Field) -> Self {
        Self::condition(format!("{} IS NOT NULL", field.name()))
    }

    fn operand(&self, inside: Shape) -> String {
        if self.shape == Shape::Condition || self.shape == inside {
            self.text.clone()
        } else {
            format!("({})", self.text)
        }
    }

    fn combine(self, other: Query, shape: Shape, word: &str) -> Self {
        Query {
            text: format!("{} {word} {}", self.operand(shape), other.operand(shape)),
            shape,
        }
    }

    /// Both conditions hold.
    #[must_use]
    pub fn and(self, other: Query) -> Self {
        self.combine(other, Shape::And, "AND")
    }

    /// Either condition holds.
    #[must_use]
    pub fn or(self, other: Query) -> Self {
        self.combine(other, Shape::Or, "OR")
    }

    /// The query text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// `!query`: the condition does not hold, written `NOT (...)`.
impl std::ops::Not for Query {
    type Output = Query;

    fn not(self) -> Query {
        Query::condition(format!("NOT ({})", self.text))
    }
}

impl From<Query> for String {
    fn from(q: Query) -> String {
        q.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_and_escaped() {
        assert_eq!(
            Query::eq(Field::Subject, r#"a "quoted" \ back"#).to_string(),
            r#"subject="a \"quoted\" \\ back""#
        );
        // A value cannot close the string and add its own condition.
        let injected = Query::eq(Field::ToEmail, r#"x" OR status="delivered"#);
        assert_eq!(
            injected.to_string(),
            r#"to_email="x\" OR status=\"delivered""#
        );
        assert_eq!(
            Query::eq(Field::Subject, "line\nbreak").as_str(),
            r#"subject="line break""#
        );
        assert_eq!(
            Query::is_in(Field::Status, ["delivered", "not_delivered"]).as_str(),
            r#"status IN ("delivered","not_delivered")"#
        );
        assert_eq!(
            Query::eq(Field::Other("x) OR (1".into()), "v").as_str(),
            r#"invalid="v""#
        );
        assert_eq!(
            Query::eq(Field::Other("unique_args.plan".into()), "pro").as_str(),
            r#"unique_args.plan="pro""#
        );
    }

    #[test]
    fn compound_operands_get_parentheses_only_when_needed() {
        let a = || Query::eq(Field::Status, "delivered");
        let b = || Query::gt(Field::Opens, 0);
        let c = || Query::is_null(Field::TemplateId);
        assert_eq!(
            a().and(b()).and(c()).as_str(),
            r#"status="delivered" AND opens>0 AND template_id IS NULL"#
        );
        assert_eq!(
            a().or(b()).and(c()).as_str(),
            r#"(status="delivered" OR opens>0) AND template_id IS NULL"#
        );
        assert_eq!(
            (!a().and(b().or(c()))).as_str(),
            r#"NOT (status="delivered" AND (opens>0 OR template_id IS NULL))"#
        );
    }
}
