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
    streak_keeping_skips(weeks, &[], current_week_open)
}

/// [`streak`], where a week the member skipped on purpose (`skipped[i]`, missing = not
/// skipped) neither counts nor breaks the streak: only a missed week does.
pub fn streak_keeping_skips(
    weeks: &[Option<u8>],
    skipped: &[bool],
    current_week_open: bool,
) -> usize {
    let counted = match weeks.split_last() {
        Some((None, earlier)) if current_week_open => earlier,
        _ => weeks,
    };
    let was_skipped = |i: usize| skipped.get(i).copied().unwrap_or(false);
    counted
        .iter()
        .enumerate()
        .rev()
        .filter(|(i, week)| week.is_some() || !was_skipped(*i))
        .take_while(|(_, week)| week.is_some())
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

// ---- Community stats: what admins see, and why it cannot give one member away -------------

/// Weeks between a member's opt-in in a community and the first week their answers count in
/// its stats: accounts made for an attack cannot count until long after.
pub const STATS_SEASONING_WEEKS: i64 = 4;
/// Fewest counted answers for a week to be shown; the configuration may raise it, never lower.
pub const STATS_MIN_ANSWERS_FLOOR: u32 = 5;
/// Shown counts are multiples of this.
pub const STATS_ROUNDING: u32 = 5;
/// The noise added to each count before rounding: a difference of `d` is `NOISE_RATIO^|d|` times
/// as likely as none, so one member's answer changes how likely any shown figure is by at most a
/// factor of `1 / NOISE_RATIO` per band it touches (two-sided geometric noise).
pub const NOISE_RATIO: f64 = 0.5;

/// The bands community stats show instead of moods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// Moods 1 (Struggling) and 2 (Low).
    Struggling,
    /// Mood 3 (Okay).
    Okay,
    /// Moods 4 (Good) and 5 (Great).
    Good,
}

impl Band {
    pub const ALL: [Band; 3] = [Band::Struggling, Band::Okay, Band::Good];

    /// The band of a mood answer; `None` outside 1 to 5.
    pub fn of(mood: u8) -> Option<Band> {
        match mood {
            1 | 2 => Some(Band::Struggling),
            3 => Some(Band::Okay),
            4 | 5 => Some(Band::Good),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::Struggling => "struggling (1-2)",
            Band::Okay => "okay (3)",
            Band::Good => "good (4-5)",
        }
    }
}

/// Counts per band (struggling, okay, good) from counts per mood (1 to 5).
pub fn band_counts(per_mood: [u32; 5]) -> [u32; 3] {
    let mut bands = [0; 3];
    for (mood, n) in (1..=5u8).zip(per_mood) {
        if let Some(band) = Band::of(mood) {
            bands[band as usize] += n;
        }
    }
    bands
}

/// A count as shown: noise added (`uniform` returns numbers in (0, 1]), below zero taken as
/// zero, rounded to the nearest multiple of [`STATS_ROUNDING`]. Each figure is drawn once, when
/// the week is first shown, and kept: asking again cannot average the noise away.
pub fn published_count(count: u32, uniform: &mut impl FnMut() -> f64) -> u32 {
    let mut geometric = || {
        let u = uniform().clamp(f64::MIN_POSITIVE, 1.0);
        // P(X >= k) = NOISE_RATIO^k. Bounded so that a strange draw stays a small number.
        (u.ln() / NOISE_RATIO.ln()).floor().min(1000.0) as i64
    };
    let noisy = i64::from(count) + geometric() - geometric();
    round_count(noisy)
}

/// Below zero is zero; otherwise the nearest multiple of [`STATS_ROUNDING`] (halves go up).
pub fn round_count(value: i64) -> u32 {
    let step = i64::from(STATS_ROUNDING);
    let rounded = (value.max(0) + step / 2) / step * step;
    u32::try_from(rounded).unwrap_or(u32::MAX)
}

/// One week's figures as an admin reads them.
pub fn band_line(week: &str, shown: Option<[u32; 3]>, min_answers: u32) -> String {
    match shown {
        Some(counts) => {
            let parts: Vec<String> = Band::ALL
                .iter()
                .zip(counts)
                .map(|(band, n)| format!("{} about {n}", band.label()))
                .collect();
            format!("Week of {week}: {}", parts.join(", "))
        }
        None => format!(
            "Week of {week}: fewer than {min_answers} answers from members who opted in at least \
             {STATS_SEASONING_WEEKS} weeks before; not shown, so that nobody can be identified"
        ),
    }
}

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
    fn a_skipped_week_keeps_the_streak_and_a_missed_one_ends_it() {
        let weeks = [Some(3), Some(4), None, Some(2), None];
        // Week 3 skipped on purpose, week 5 missed: the streak is over.
        assert_eq!(
            streak_keeping_skips(&weeks, &[false, false, true], false),
            0
        );
        // Week 5 skipped too: 3 answered weeks in a row, the skips in between.
        let skipped = [false, false, true, false, true];
        assert_eq!(streak_keeping_skips(&weeks, &skipped, false), 3);
        // Week 3 only missed: the streak starts after it.
        assert_eq!(streak_keeping_skips(&weeks, &[false; 5], true), 1);
        // Skipping alone builds no streak.
        assert_eq!(streak_keeping_skips(&[None, None], &[true, true], false), 0);
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

    #[test]
    fn moods_fall_into_three_bands() {
        assert_eq!(Band::of(1), Some(Band::Struggling));
        assert_eq!(Band::of(2), Some(Band::Struggling));
        assert_eq!(Band::of(3), Some(Band::Okay));
        assert_eq!(Band::of(4), Some(Band::Good));
        assert_eq!(Band::of(5), Some(Band::Good));
        assert_eq!(Band::of(0), None);
        assert_eq!(Band::of(6), None);
        assert_eq!(band_counts([1, 2, 3, 4, 5]), [3, 3, 9]);
    }

    #[test]
    fn counts_round_to_five_and_never_go_below_zero() {
        assert_eq!(round_count(-3), 0);
        assert_eq!(round_count(2), 0);
        assert_eq!(round_count(3), 5);
        assert_eq!(round_count(7), 5);
        assert_eq!(round_count(8), 10);
        // With no noise drawn (every draw 1.0), a count is only rounded.
        assert_eq!(published_count(12, &mut || 1.0), 10);
        assert_eq!(published_count(13, &mut || 1.0), 15);
        // A draw of zero (not in (0, 1]) stays a bounded number, not a panic or an overflow.
        assert!(published_count(10, &mut || 0.0) <= 1010);
    }

    /// The exact chance that a band count of `count` is shown as `shown`.
    fn chance(count: i64, shown: u32) -> f64 {
        let a = NOISE_RATIO;
        (-400..=400)
            .filter(|g| round_count(count + g) == shown)
            .map(|g: i64| (1.0 - a) / (1.0 + a) * a.powi(g.unsigned_abs() as i32))
            .sum()
    }

    /// The attack that beats plain rounding: an attacker who knows every other answer puts
    /// the others' count of a band right at a rounding edge (2 or 4, say), so one more answer
    /// there would flip the shown figure. With the noise, every figure stays possible either
    /// way, and none is more than twice as likely with the victim in the band as without.
    #[test]
    fn one_member_moves_no_shown_figure_by_more_than_a_factor_of_two() {
        for count in 0..60 {
            let mut total = 0.0;
            for shown in (0..=120).step_by(5) {
                let without = chance(count, shown);
                let with = chance(count + 1, shown);
                total += without;
                if without < 1e-12 && with < 1e-12 {
                    continue;
                }
                assert!(without > 0.0 && with > 0.0, "{count} shown as {shown}");
                let ratio = with / without;
                assert!(
                    (0.5 - 1e-9..=2.0 + 1e-9).contains(&ratio),
                    "count {count} shown as {shown}: ratio {ratio}"
                );
            }
            assert!((total - 1.0).abs() < 1e-9, "{count}: {total}");
        }
    }

    #[test]
    fn the_noise_is_small_next_to_the_rounding() {
        // Over many draws from a fixed sequence, a count of 20 is mostly shown as 20.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut uniform = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 11) as f64 + 1.0) / (1u64 << 53) as f64
        };
        let shown: Vec<u32> = (0..1000)
            .map(|_| published_count(20, &mut uniform))
            .collect();
        let exact = shown.iter().filter(|&&s| s == 20).count();
        assert!(exact > 600, "{exact} of 1000");
        assert!(
            shown.iter().all(|s| s % 5 == 0 && (5..=40).contains(s)),
            "{shown:?}"
        );
    }

    #[test]
    fn a_hidden_week_says_why_and_a_shown_one_gives_bands_only() {
        let hidden = band_line("2026-12-07", None, 10);
        assert!(hidden.contains("fewer than 10 answers"), "{hidden}");
        assert!(hidden.contains("at least 4 weeks"), "{hidden}");
        let shown = band_line("2026-12-07", Some([5, 10, 0]), 10);
        assert_eq!(
            shown,
            "Week of 2026-12-07: struggling (1-2) about 5, okay (3) about 10, good (4-5) about 0"
        );
    }
}
