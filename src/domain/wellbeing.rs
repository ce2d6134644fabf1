//! The weekly wellbeing check-in: reading answers, showing a member their history, and the rule
//! for when an answer is low enough to offer support.
//!
//! A check-in asks for a mood from 1 (Struggling) to 5 (Great), a stress level from 1 to 5 and
//! an optional short note. History is a slice of weeks, oldest first, where `None` is a week the
//! member did not answer.

use std::fmt;

use super::input::InputError;

/// The names of the moods, for answers 1 to 5 in order.
pub const MOOD_LABELS: [&str; 5] = ["Struggling", "Low", "Okay", "Good", "Great"];

/// The longest note a member may attach to a check-in, in characters.
pub const MAX_NOTE_CHARS: usize = 280;

/// The name of a mood answer (1 is "Struggling", 5 is "Great"), or `None` outside 1 to 5.
pub fn mood_label(mood: u8) -> Option<&'static str> {
    let index = usize::from(mood).checked_sub(1)?;
    MOOD_LABELS.get(index).copied()
}

/// Reads a mood answer: a number from 1 to 5, a mood name in any case ("okay"), or a keycap
/// emoji from 1️⃣ to 5️⃣ (with or without the emoji variation selector).
pub fn parse_mood(input: &str) -> Result<u8, InputError> {
    let answer = input.trim();
    if let Some(mood) = one_to_five(answer) {
        return Ok(mood);
    }
    if let Some(index) = MOOD_LABELS
        .iter()
        .position(|label| label.eq_ignore_ascii_case(answer))
    {
        return Ok(u8::try_from(index + 1).expect("there are only five moods"));
    }
    Err(InputError::expected(format!(
        "Please answer with a number from 1 (Struggling) to 5 (Great), or one of the words {}.",
        MOOD_LABELS.join(", ")
    )))
}

/// Reads a stress answer: a number from 1 (least stressed) to 5 (most stressed), typed or as a
/// keycap emoji.
pub fn parse_stress(input: &str) -> Result<u8, InputError> {
    one_to_five(input.trim()).ok_or_else(|| {
        InputError::expected(
            "Please answer with a number from 1 (least stressed) to 5 (most stressed).",
        )
    })
}

/// A digit from 1 to 5, typed plainly or as a keycap emoji ("3", "3️⃣", "3⃣").
fn one_to_five(answer: &str) -> Option<u8> {
    let digit = match answer.strip_suffix('\u{20E3}') {
        Some(keycap) => keycap.strip_suffix('\u{FE0F}').unwrap_or(keycap),
        None => answer,
    };
    match digit {
        "1" => Some(1),
        "2" => Some(2),
        "3" => Some(3),
        "4" => Some(4),
        "5" => Some(5),
        _ => None,
    }
}

/// One character per week, oldest first: moods 1 to 5 rise as '▁', '▃', '▄', '▆', '█', and a
/// missed week (or a value outside 1 to 5) is the gap '·'.
pub fn sparkline(weeks: &[Option<u8>]) -> String {
    weeks
        .iter()
        .map(|week| match week {
            Some(1) => '▁',
            Some(2) => '▃',
            Some(3) => '▄',
            Some(4) => '▆',
            Some(5) => '█',
            _ => '·',
        })
        .collect()
}

/// How many weeks in a row the member has answered, counting back from the most recent week
/// (the last element).
///
/// When the most recent week is unanswered and `current_week_open` is true, that week does not
/// break the streak yet: counting starts from the week before it. When the week is closed, an
/// unanswered last week means a streak of 0.
pub fn streak(weeks: &[Option<u8>], current_week_open: bool) -> usize {
    let counted = match weeks.split_last() {
        Some((None, earlier)) if current_week_open => earlier,
        _ => weeks,
    };
    counted
        .iter()
        .rev()
        .take_while(|week| week.is_some())
        .count()
}

/// Which way a member's mood is heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trend {
    /// The recent average is at least half a point above the earlier one.
    Rising,
    /// The two averages are less than half a point apart.
    Steady,
    /// The recent average is at least half a point below the earlier one.
    Falling,
    /// Fewer than two answers in the recent or the earlier weeks.
    NotEnoughData,
}

impl fmt::Display for Trend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rising => "rising",
            Self::Steady => "steady",
            Self::Falling => "falling",
            Self::NotEnoughData => "not enough answers yet",
        })
    }
}

/// Compares the mean mood of the answered weeks among the most recent 4 slots with the mean of
/// the 4 slots before them. Each half needs at least 2 answers; a difference of 0.5 or more is
/// [`Trend::Rising`] or [`Trend::Falling`], anything smaller is [`Trend::Steady`].
pub fn trend(weeks: &[Option<u8>]) -> Trend {
    let split = weeks.len().saturating_sub(4);
    let recent = &weeks[split..];
    let earlier = &weeks[split.saturating_sub(4)..split];
    let (Some((recent_sum, recent_count)), Some((earlier_sum, earlier_count))) =
        (sum_and_count(recent), sum_and_count(earlier))
    else {
        return Trend::NotEnoughData;
    };
    // Exact arithmetic: recent_sum / recent_count - earlier_sum / earlier_count, times both
    // counts, compared against 0.5 times both counts (doubled to stay whole).
    let difference = 2 * (recent_sum * earlier_count - earlier_sum * recent_count);
    let threshold = recent_count * earlier_count;
    if difference >= threshold {
        Trend::Rising
    } else if difference <= -threshold {
        Trend::Falling
    } else {
        Trend::Steady
    }
}

/// The sum and count of the answered weeks, or `None` when fewer than 2 were answered.
fn sum_and_count(weeks: &[Option<u8>]) -> Option<(i64, i64)> {
    let answers: Vec<i64> = weeks
        .iter()
        .flatten()
        .map(|&mood| i64::from(mood))
        .collect();
    let count = i64::try_from(answers.len()).expect("a handful of weeks fits in i64");
    (count >= 2).then(|| (answers.iter().sum(), count))
}

/// Whether a mood answer is low enough to offer support: a mood of 1 or 2 always is, and so is a
/// mood at least 2 points below the average of the member's previous answers (`recent`, most
/// recent last, of which the last 4 are used) once there are at least 2 of them.
pub fn is_low(mood: u8, recent: &[u8]) -> bool {
    if matches!(mood, 1 | 2) {
        return true;
    }
    let used = &recent[recent.len().saturating_sub(4)..];
    if used.len() < 2 {
        return false;
    }
    // mood <= sum / n - 2, multiplied through by n to stay exact.
    let sum: u32 = used.iter().map(|&answer| u32::from(answer)).sum();
    let count = u32::try_from(used.len()).expect("at most 4 answers are used");
    (u32::from(mood) + 2) * count <= sum
}

/// Whether a reaction is the prompt's snooze choice (💤 or ⏰).
pub fn is_snooze(emoji: &str) -> bool {
    matches!(emoji.trim_end_matches('\u{fe0f}'), "💤" | "⏰")
}

/// The Monday (YYYY-MM-DD) of the week that contains `date`.
pub fn week_of(date: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    date - chrono::Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// The weekly prompt, as the member receives it privately.
pub fn prompt_reply(expires: &str, snoozes_left: i64) -> crate::domain::reply::Reply {
    use crate::domain::reply::{Block, Choice, Reply};
    let choices = MOOD_LABELS
        .iter()
        .enumerate()
        .map(|(i, label)| format!("{} {label}", i + 1))
        .collect::<Vec<_>>()
        .join("  ·  ");
    let mut footer = format!("Open until {expires}.");
    if snoozes_left > 0 {
        footer.push_str(" Not now? React 💤 or /checkin snooze 4h.");
    }
    footer.push_str("  ·  /checkin skip  ·  /checkin stop");
    let mut reply = Reply::private("How are you doing this week?")
        .block(Block::Text(choices))
        .text(
            "Answer with /checkin answer 1-5, or react with 1️⃣-5️⃣. Optional: stress:1-5 and \
             note:… (only you can see your answers).",
        )
        .footer(footer);
    for (emoji, label) in MOOD_EMOJI.iter().zip(MOOD_LABELS) {
        reply = reply.choice(Choice::Reaction {
            emoji: (*emoji).to_owned(),
            label: label.to_owned(),
        });
    }
    if snoozes_left > 0 {
        reply = reply.choice(Choice::Reaction {
            emoji: "💤".to_owned(),
            label: "Not now (4h)".to_owned(),
        });
    }
    reply.choice(Choice::Command {
        line: "/checkin skip".to_owned(),
        label: "Skip next week".to_owned(),
    })
}

/// The keycaps that answer a prompt, mood 1 to 5.
pub const MOOD_EMOJI: [&str; 5] = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"];

#[cfg(test)]
mod tests {
    use super::*;

    /// Weeks that were all answered, with these moods.
    fn answered<const N: usize>(moods: [u8; N]) -> [Option<u8>; N] {
        moods.map(Some)
    }

    #[test]
    fn mood_labels_run_from_struggling_to_great() {
        assert_eq!(mood_label(1), Some("Struggling"));
        assert_eq!(mood_label(2), Some("Low"));
        assert_eq!(mood_label(3), Some("Okay"));
        assert_eq!(mood_label(4), Some("Good"));
        assert_eq!(mood_label(5), Some("Great"));
    }

    #[test]
    fn moods_outside_one_to_five_have_no_label() {
        assert_eq!(mood_label(0), None);
        assert_eq!(mood_label(6), None);
        assert_eq!(mood_label(u8::MAX), None);
    }

    #[test]
    fn a_mood_can_be_typed_as_a_number() {
        for (input, mood) in [("1", 1), ("2", 2), ("3", 3), ("4", 4), (" 5 \n", 5)] {
            assert_eq!(parse_mood(input), Ok(mood), "{input:?}");
        }
    }

    #[test]
    fn a_mood_can_be_typed_as_its_name_in_any_case() {
        for (input, mood) in [
            ("struggling", 1),
            ("LOW", 2),
            ("Okay", 3),
            ("gOoD", 4),
            ("  great ", 5),
        ] {
            assert_eq!(parse_mood(input), Ok(mood), "{input:?}");
        }
    }

    #[test]
    fn a_mood_can_be_a_keycap_emoji_with_the_variation_selector() {
        for (input, mood) in [("1️⃣", 1), ("2️⃣", 2), ("3️⃣", 3), ("4️⃣", 4), ("5️⃣", 5)]
        {
            assert_eq!(parse_mood(input), Ok(mood), "{input:?}");
        }
        assert_eq!(parse_mood("3\u{FE0F}\u{20E3}"), Ok(3));
    }

    #[test]
    fn a_mood_can_be_a_keycap_emoji_without_the_variation_selector() {
        for mood in 1..=5u8 {
            let input = format!("{mood}\u{20E3}");
            assert_eq!(parse_mood(&input), Ok(mood), "{input:?}");
        }
    }

    #[test]
    fn other_mood_answers_are_refused_with_what_is_accepted() {
        for input in [
            "0",
            "6",
            "",
            "three",
            "ok",
            "3.5",
            "0️⃣",
            "6️⃣",
            "🔟",
            "\u{FE0F}\u{20E3}",
            "33",
        ] {
            let error = parse_mood(input).expect_err(input);
            assert!(error.contains("1 (Struggling) to 5 (Great)"), "{error}");
            assert!(error.contains("Okay"), "{error}");
        }
    }

    #[test]
    fn stress_accepts_one_to_five_only() {
        for (input, stress) in [("1", 1), ("3", 3), (" 5 ", 5), ("2️⃣", 2), ("4\u{20E3}", 4)] {
            assert_eq!(parse_stress(input), Ok(stress), "{input:?}");
        }
        for input in ["0", "6", "", "low", "Great", "-1", "10"] {
            let error = parse_stress(input).expect_err(input);
            assert!(
                error.contains("1 (least stressed) to 5 (most stressed)"),
                "{error}"
            );
        }
    }

    #[test]
    fn the_note_limit_is_a_tweet() {
        assert_eq!(MAX_NOTE_CHARS, 280);
    }

    #[test]
    fn the_sparkline_draws_one_rising_bar_per_week_oldest_first() {
        let weeks = [Some(1), Some(2), Some(3), Some(4), Some(5)];
        assert_eq!(sparkline(&weeks), "▁▃▄▆█");
        assert_eq!(sparkline(&[Some(5), Some(1)]), "█▁");
    }

    #[test]
    fn the_sparkline_shows_missed_weeks_and_bad_values_as_gaps() {
        assert_eq!(sparkline(&[Some(3), None, Some(4), None]), "▄·▆·");
        assert_eq!(sparkline(&[Some(0), Some(6)]), "··");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[Some(4); 8]).chars().count(), 8);
    }

    #[test]
    fn the_streak_counts_answered_weeks_back_from_the_latest() {
        assert_eq!(
            streak(&[Some(3), None, Some(4), Some(2), Some(5)], false),
            3
        );
        assert_eq!(streak(&[Some(3), Some(4)], false), 2);
        assert_eq!(streak(&[Some(3), Some(4)], true), 2);
        assert_eq!(streak(&[], false), 0);
        assert_eq!(streak(&[], true), 0);
    }

    #[test]
    fn an_unanswered_open_week_does_not_break_the_streak() {
        assert_eq!(streak(&[Some(3), Some(4), None], true), 2);
        assert_eq!(streak(&[None], true), 0);
        assert_eq!(streak(&[Some(3), None, None], true), 0);
    }

    #[test]
    fn an_unanswered_closed_week_ends_the_streak() {
        assert_eq!(streak(&[Some(3), Some(4), None], false), 0);
        assert_eq!(streak(&[None], false), 0);
    }

    #[test]
    fn trends_read_as_words() {
        assert_eq!(Trend::Rising.to_string(), "rising");
        assert_eq!(Trend::Steady.to_string(), "steady");
        assert_eq!(Trend::Falling.to_string(), "falling");
        assert_eq!(Trend::NotEnoughData.to_string(), "not enough answers yet");
    }

    #[test]
    fn a_half_point_rise_or_fall_is_a_trend() {
        // Earlier mean 3.0, recent mean 3.5: exactly half a point.
        let rising = answered([3, 3, 3, 3, 3, 4, 3, 4]);
        assert_eq!(trend(&rising), Trend::Rising);
        let falling = answered([4, 3, 4, 3, 3, 3, 3, 3]);
        assert_eq!(trend(&falling), Trend::Falling);
    }

    #[test]
    fn less_than_half_a_point_is_steady() {
        // Earlier mean 3.0, recent mean 3.25.
        let weeks = answered([3, 3, 3, 3, 3, 3, 3, 4]);
        assert_eq!(trend(&weeks), Trend::Steady);
        assert_eq!(trend(&[Some(4); 8]), Trend::Steady);
    }

    #[test]
    fn only_answered_weeks_count_toward_each_mean() {
        // Earlier: 2 and 2 (mean 2); recent: 5 and 4 (mean 4.5).
        let weeks = [None, Some(2), None, Some(2), Some(5), None, Some(4), None];
        assert_eq!(trend(&weeks), Trend::Rising);
        // Thirds: earlier 2.0, recent 7/3 ≈ 2.33.
        let weeks = [
            Some(2),
            Some(2),
            None,
            None,
            Some(2),
            Some(2),
            Some(3),
            None,
        ];
        assert_eq!(trend(&weeks), Trend::Steady);
    }

    #[test]
    fn only_the_last_eight_weeks_shape_the_trend() {
        // Earlier mean 4, recent mean 3. Counting the six old 1s too would make it rising.
        let weeks = answered([4, 4, 4, 4, 3, 3, 3, 3]);
        let mut longer = vec![Some(1); 6];
        longer.extend(weeks);
        assert_eq!(trend(&weeks), Trend::Falling);
        assert_eq!(trend(&longer), Trend::Falling);
    }

    #[test]
    fn a_short_history_uses_what_there_is_before_the_last_four_weeks() {
        let weeks = [Some(2), Some(2), Some(4), Some(4), Some(4), Some(4)];
        assert_eq!(trend(&weeks), Trend::Rising);
    }

    #[test]
    fn fewer_than_two_answers_in_either_half_is_not_enough_data() {
        assert_eq!(trend(&[]), Trend::NotEnoughData);
        assert_eq!(
            trend(&[Some(3), Some(4), Some(5), Some(5)]),
            Trend::NotEnoughData
        );
        let one_earlier = [
            None,
            None,
            None,
            Some(1),
            Some(5),
            Some(5),
            Some(5),
            Some(5),
        ];
        assert_eq!(trend(&one_earlier), Trend::NotEnoughData);
        let one_recent = [
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            None,
            None,
            Some(5),
            None,
        ];
        assert_eq!(trend(&one_recent), Trend::NotEnoughData);
    }

    #[test]
    fn moods_of_one_or_two_are_always_low() {
        assert!(is_low(1, &[]));
        assert!(is_low(2, &[]));
        assert!(is_low(2, &[1, 1, 1]));
    }

    #[test]
    fn higher_moods_without_two_previous_answers_are_not_low() {
        assert!(!is_low(3, &[]));
        assert!(!is_low(3, &[5]));
        assert!(!is_low(5, &[5, 5, 5, 5]));
    }

    #[test]
    fn a_drop_of_two_points_below_the_recent_average_is_low() {
        assert!(is_low(3, &[5, 5]));
        assert!(is_low(3, &[5, 5, 5, 5]));
        // Average 4.75: 3 is only 1.75 below.
        assert!(!is_low(3, &[5, 5, 5, 4]));
        // Average 4.5: 3 is 1.5 below, 2 would be low anyway.
        assert!(!is_low(3, &[4, 5]));
    }

    #[test]
    fn only_the_last_four_previous_answers_set_the_average() {
        // The old 1s fall outside the window: the average is 5.
        assert!(is_low(3, &[1, 1, 5, 5, 5, 5]));
        // The old 5s fall outside the window: the average is 3.
        assert!(!is_low(3, &[5, 5, 3, 3, 3, 3]));
    }
}
