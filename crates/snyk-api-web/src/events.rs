//! Event objects across API versions.

use crate::types::Event;

impl Event {
    /// When the event happened, whichever spelling the payload used: the current
    /// `occurred_at` or the older misspelled `ocurred_at`. The text is the API's ISO 8601
    /// timestamp; parse it with the precision you need (the documented values may lack
    /// the UTC offset).
    pub fn occurred_at(&self) -> Option<&str> {
        self.occurred_at
            .as_ref()
            .or(self.ocurred_at.as_ref())
            .map(|t| t.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_are_read() {
        let new: Event = serde_json::from_str(
            r#"{"id": "e1", "event_type": "scan_completed", "occurred_at": "2023-08-09T13:27:43.8208302"}"#,
        )
        .unwrap();
        assert_eq!(new.occurred_at(), Some("2023-08-09T13:27:43.8208302"));
        let old: Event = serde_json::from_str(
            r#"{"id": "e2", "ocurred_at": "2018-01-31 16:32:17.238553+00:00"}"#,
        )
        .unwrap();
        assert_eq!(old.occurred_at(), Some("2018-01-31 16:32:17.238553+00:00"));
        let none: Event = serde_json::from_str(r#"{"id": "e3"}"#).unwrap();
        assert_eq!(none.occurred_at(), None);
    }
}
