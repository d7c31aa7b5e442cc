//! A date-time that parses the formats webhook providers actually send.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A UTC date-time parsed leniently from ISO 8601 text.
///
/// Accepted, all seen in provider documentation:
/// - RFC 3339 with `Z` or an offset: `2018-01-31T16:32:17.238553Z`;
/// - a space instead of `T`: `2018-01-31 16:32:17.238553+00:00` (Probely 1.2.0 spec);
/// - **no offset**, read as UTC: `2023-08-09T13:27:43.8208302` (current Probely docs,
///   7 fractional digits).
///
/// Between 0 and 9 fractional digits are accepted. It serialises back as RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// Parses `text` in any of the accepted forms; `None` if it is none of them.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            return Some(Timestamp(dt.with_timezone(&Utc)));
        }
        // chrono's RFC 3339 parser wants `T`; retry with the space replaced.
        let replaced;
        let text = if text.as_bytes().get(10) == Some(&b' ') && text.is_char_boundary(11) {
            replaced = format!("{}T{}", &text[..10], &text[11..]);
            if let Ok(dt) = DateTime::parse_from_rfc3339(&replaced) {
                return Some(Timestamp(dt.with_timezone(&Utc)));
            }
            replaced.as_str()
        } else {
            text
        };
        // No offset at all: the providers document these values as UTC.
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(|naive| Timestamp(naive.and_utc()))
    }

    /// The instant as a chrono `DateTime<Utc>`.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(dt: DateTime<Utc>) -> Self {
        Timestamp(dt)
    }
}

/// The error returned by [`Timestamp::from_str`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampParseError;

impl fmt::Display for TimestampParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an ISO 8601 date-time")
    }
}

impl std::error::Error for TimestampParseError {}

impl FromStr for Timestamp {
    type Err = TimestampParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s).ok_or(TimestampParseError)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 8601 date-time string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).ok_or_else(|| E::custom("not an ISO 8601 date-time"))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // Not `format: date-time`: that format requires an offset, and Probely omits it.
        schemars::json_schema!({
            "type": "string",
            "description": "ISO 8601 date-time; `T` or a space between date and time; 0-9 fractional digits; offset optional (UTC when absent).",
            "pattern": "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|z|[+-]\\d{2}:\\d{2})?$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn parses_every_documented_form() {
        let cases = [
            ("2018-01-31T16:32:17.238553Z", 238_553_000),
            ("2018-01-31 16:32:17.238553+00:00", 238_553_000),
            ("2018-01-31T16:32:17.2385530", 238_553_000),
            ("2018-01-31T16:32:17", 0),
            ("2018-01-31T18:32:17.238553+02:00", 238_553_000),
        ];
        for (text, nanos) in cases {
            let ts = Timestamp::parse(text).unwrap_or_else(|| panic!("{text}"));
            let expected = Utc.with_ymd_and_hms(2018, 1, 31, 16, 32, 17).unwrap()
                + chrono::Duration::nanoseconds(nanos);
            assert_eq!(ts.0, expected, "{text}");
        }
        // The current Probely docs example, 7 fractional digits, no offset.
        let ts = Timestamp::parse("2023-08-09T13:27:43.8208302").unwrap();
        assert_eq!(ts.0.timestamp_subsec_nanos(), 820_830_200);
        assert_eq!(ts.to_string(), "2023-08-09T13:27:43.820830200Z");
    }

    #[test]
    fn rejects_garbage() {
        for text in [
            "",
            "2018-01-31",
            "yesterday",
            "2018-13-31T00:00:00Z",
            "2018-01-31é16:32:17",
        ] {
            assert!(Timestamp::parse(text).is_none(), "{text}");
        }
    }

    #[test]
    fn serde_round_trip() {
        let ts: Timestamp = serde_json::from_str("\"2020-09-25T15:27:53Z\"").unwrap();
        assert_eq!(
            serde_json::to_string(&ts).unwrap(),
            "\"2020-09-25T15:27:53Z\""
        );
        assert!(serde_json::from_str::<Timestamp>("42").is_err());
    }
}
