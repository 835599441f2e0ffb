//! Receive and stage windows are local dates of Asia/Ho_Chi_Minh, both ends included
//! [plan 163/KH-UBND §II.1: "Từ ngày 01/2-28/02/2022" includes the whole of 28/02].

use chrono::{DateTime, NaiveDate, Utc};

pub use sangkien_kit::clock::{local_date, vietnam};

/// A window of local dates, both ends included.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Window {
    /// First day.
    pub from: NaiveDate,
    /// Last day, included whole.
    pub to: NaiveDate,
}

impl Window {
    /// True when the local date at `at` is inside the window.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let d = local_date(at);
        self.from <= d && d <= self.to
    }

    /// True when the window ends no earlier than it starts.
    pub fn is_ordered(&self) -> bool {
        self.from <= self.to
    }

    /// `01/02/2022–28/02/2022`, as people write it.
    pub fn display(&self) -> String {
        format!(
            "{}–{}",
            self.from.format("%d/%m/%Y"),
            self.to.format("%d/%m/%Y")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn window_2022_education() -> Window {
        Window {
            from: NaiveDate::from_ymd_opt(2022, 2, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2022, 2, 28).unwrap(),
        }
    }

    #[test]
    fn plan_window_includes_the_whole_last_local_day() {
        let w = window_2022_education();
        // 28/02 23:59 in Vĩnh Tường is 16:59 UTC.
        assert!(w.contains(Utc.with_ymd_and_hms(2022, 2, 28, 16, 59, 59).unwrap()));
        // 01/03 00:00 local is 28/02 17:00 UTC: closed.
        assert!(!w.contains(Utc.with_ymd_and_hms(2022, 2, 28, 17, 0, 0).unwrap()));
    }

    #[test]
    fn plan_window_opens_at_local_midnight_of_the_first_day() {
        let w = window_2022_education();
        // 01/02 00:30 local is 31/01 17:30 UTC: already open.
        assert!(w.contains(Utc.with_ymd_and_hms(2022, 1, 31, 17, 30, 0).unwrap()));
        assert!(!w.contains(Utc.with_ymd_and_hms(2022, 1, 31, 16, 59, 0).unwrap()));
        assert_eq!(w.display(), "01/02/2022–28/02/2022");
    }
}
