//! Why a local time is refused when the clocks skip it (spring forward) or show it twice (fall
//! back), with nearby times that do happen exactly once.

use chrono::{Duration, MappedLocalTime, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::domain::input::InputError;
use crate::domain::time_words::zone_place;

/// Seconds east of UTC at a local time (the earlier reading if it happens twice).
fn offset_at(zone: Tz, naive: Option<NaiveDateTime>) -> Option<i32> {
    let at = zone.from_local_datetime(&naive?).earliest()?;
    Some(at.offset().fix().local_minus_utc())
}

/// Why a local time inside a spring-forward gap was refused.
pub(super) fn gap_message(naive: NaiveDateTime, zone: Tz) -> InputError {
    let half_day = Duration::hours(12);
    let before = offset_at(zone, naive.checked_sub_signed(half_day));
    let after = offset_at(zone, naive.checked_add_signed(half_day));
    let shift = match (before, after) {
        (Some(before), Some(after)) if after > before => after - before,
        _ => 3600,
    };
    InputError::new(
        format!(
            "On {} the clocks in {} skip {} (they jump forward), so {} never happens that day.",
            naive.format("%a %b %-d, %Y"),
            zone_place(zone),
            amount(shift),
            naive.format("%H:%M"),
        ),
        suggestions(naive, shift, zone, "Try"),
    )
}

/// Why a local time inside a fall-back overlap was refused.
pub(super) fn overlap_message(naive: NaiveDateTime, shift: i32, zone: Tz) -> InputError {
    let shift = if shift > 0 { shift } else { 3600 };
    InputError::new(
        format!(
            "On {} the clocks in {} go back {}, so {} happens twice that day.",
            naive.format("%a %b %-d, %Y"),
            zone_place(zone),
            amount(shift),
            naive.format("%H:%M"),
        ),
        suggestions(naive, shift, zone, "Pick another time, like"),
    )
}

/// Nearby local times that happen exactly once: `shift` seconds later and earlier.
fn suggestions(naive: NaiveDateTime, shift: i32, zone: Tz, lead: &str) -> String {
    let shift = Duration::seconds(i64::from(shift));
    let times: Vec<String> = [
        naive.checked_add_signed(shift),
        naive.checked_sub_signed(shift),
    ]
    .into_iter()
    .flatten()
    .filter(|t| matches!(zone.from_local_datetime(t), MappedLocalTime::Single(_)))
    .map(|t| {
        if t.date() == naive.date() {
            t.format("%H:%M").to_string()
        } else {
            t.format("%H:%M on %a %b %-d").to_string()
        }
    })
    .collect();
    if times.is_empty() {
        "Pick another time.".to_owned()
    } else {
        format!("{lead} {}.", times.join(" or "))
    }
}

/// "an hour", "30 minutes", "2 hours", "1 hour 30 minutes".
fn amount(seconds: i32) -> String {
    let (hours, minutes) = (seconds / 3600, seconds % 3600 / 60);
    match (hours, minutes) {
        (1, 0) => "an hour".to_owned(),
        (0, m) => format!("{m} minutes"),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} hour{} {m} minutes", if h == 1 { "" } else { "s" }),
    }
}
