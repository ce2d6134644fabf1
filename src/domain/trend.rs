//! The check-in trend chart's data and its words: a member's mood and stress per week, oldest
//! first, with a gap for every week without an answer, and the alt text that says the trend in
//! words for whoever cannot see the picture.
//!
//! Drawing it is not the domain's job: [`crate::chart`] turns a [`Trend`] into a PNG with a
//! rendering library, which has no place among the rules (the domain names no platform and no
//! I/O library). What is drawn, the gaps and what the picture says are decided here, so they are
//! tested without pixels.

use chrono::{Datelike, NaiveDate};

/// How far back `/checkin history` looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistorySpan {
    /// The last 12 weeks (`/checkin history`).
    #[default]
    Quarter,
    /// The last 52 weeks (`/checkin history year`).
    Year,
}

impl HistorySpan {
    /// Weeks covered, this week included.
    pub fn weeks(self) -> u32 {
        match self {
            HistorySpan::Quarter => 12,
            HistorySpan::Year => 52,
        }
    }
}

/// One week of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendWeek {
    /// The Monday the week starts on, in the member's zone.
    pub monday: NaiveDate,
    /// The week's mood (1 to 5), `None` for a week without an answer.
    pub mood: Option<u8>,
    /// The week's stress (1 to 5), `None` when not answered (it is optional).
    pub stress: Option<u8>,
    /// The member skipped this week on purpose (`/checkin skip`).
    pub skipped: bool,
}

/// A member's answers over a span of weeks, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trend {
    pub weeks: Vec<TrendWeek>,
    /// This (the last) week can still be answered: without an answer it is not counted as
    /// missed.
    pub this_week_open: bool,
}

/// Which series of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Mood,
    Stress,
}

impl Series {
    fn of(self, week: &TrendWeek) -> Option<u8> {
        match self {
            Series::Mood => week.mood,
            Series::Stress => week.stress,
        }
    }

    /// The legend's words.
    pub fn label(self) -> &'static str {
        match self {
            Series::Mood => "Mood (5 = great)",
            Series::Stress => "Stress (5 = most stressed)",
        }
    }
}

impl Trend {
    /// The chart's title.
    pub fn title(&self) -> String {
        match self.dates() {
            Some(dates) => format!("Your mood and stress, {} weeks: {dates}", self.weeks.len()),
            None => "Your mood and stress".to_owned(),
        }
    }

    /// "Sep 7 to Nov 23, 2026", or "Dec 1, 2025 to Nov 23, 2026" across a new year.
    fn dates(&self) -> Option<String> {
        let (first, last) = (self.weeks.first()?.monday, self.weeks.last()?.monday);
        let year = |d: NaiveDate| format!("{}, {}", short_date(d), d.year());
        Some(if first.year() == last.year() {
            format!("{} to {}", short_date(first), year(last))
        } else {
            format!("{} to {}", year(first), year(last))
        })
    }

    /// The file name the picture is sent under.
    pub fn file_name(&self) -> String {
        format!("checkin-trend-{}-weeks.png", self.weeks.len())
    }

    /// The label of week `index` on the x axis ("Sep 8").
    pub fn week_label(&self, index: usize) -> String {
        self.weeks
            .get(index)
            .map_or_else(String::new, |w| short_date(w.monday))
    }

    /// Runs of consecutive answered weeks of a series, each as (week index, value): a line
    /// joins the points of a run and never crosses a week without an answer.
    pub fn runs(&self, series: Series) -> Vec<Vec<(usize, u8)>> {
        let mut runs: Vec<Vec<(usize, u8)>> = Vec::new();
        let mut current = Vec::new();
        for (i, week) in self.weeks.iter().enumerate() {
            match series.of(week) {
                Some(v) => current.push((i, v)),
                None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
                None => {}
            }
        }
        if !current.is_empty() {
            runs.push(current);
        }
        runs
    }

    /// Indexes of the weeks skipped on purpose (shaded on the chart).
    pub fn skipped(&self) -> Vec<usize> {
        self.weeks
            .iter()
            .enumerate()
            .filter(|(_, w)| w.skipped && w.mood.is_none())
            .map(|(i, _)| i)
            .collect()
    }

    /// The trend in words, for screen readers and anyone who cannot see the picture: "Mood rose
    /// from 2 to 4 over 12 weeks; stress fell from 4 to 2; 3 weeks skipped."
    pub fn alt_text(&self) -> String {
        let n = self.weeks.len();
        let mut parts = vec![format!(
            "{} over {n} week{}",
            self.movement(Series::Mood),
            if n == 1 { "" } else { "s" }
        )];
        parts.push(lower_first(&self.movement(Series::Stress)));
        let skipped = self.skipped().len();
        let last = n.saturating_sub(1);
        // Weeks before the first answer (or skip) are before the member began, not missed.
        let began = self
            .weeks
            .iter()
            .position(|w| w.mood.is_some() || w.skipped)
            .unwrap_or(n);
        let unanswered = self
            .weeks
            .iter()
            .enumerate()
            .skip(began)
            .filter(|(i, w)| w.mood.is_none() && !w.skipped && !(*i == last && self.this_week_open))
            .count();
        parts.push(match (skipped, unanswered) {
            (0, 0) => "no week missed".to_owned(),
            (s, 0) => format!("{} skipped", weeks(s)),
            (0, u) => format!("{} without an answer", weeks(u)),
            (s, u) => format!("{} skipped and {} without an answer", weeks(s), weeks(u)),
        });
        let mut text = format!("{}.", parts.join("; "));
        if self.this_week_open && self.weeks.last().is_some_and(|w| w.mood.is_none()) {
            text.push_str(" This week is not answered yet.");
        }
        if let Some(first) = self.weeks.get(began).filter(|_| began > 0) {
            text.push_str(&format!(" No answers before {}.", short_date(first.monday)));
        }
        if let Some(dates) = self.dates() {
            text.push_str(&format!(" Weeks from {dates}; answers from 1 to 5."));
        }
        text
    }

    /// "Mood rose from 2 to 4", "Stress held at 3", "Mood was 4 (one answer)".
    fn movement(&self, series: Series) -> String {
        let name = match series {
            Series::Mood => "Mood",
            Series::Stress => "Stress",
        };
        let values: Vec<u8> = self.weeks.iter().filter_map(|w| series.of(w)).collect();
        match values.as_slice() {
            [] => format!("{name}: no answers"),
            [only] => format!("{name} was {only} (one answer)"),
            [first, .., last] => {
                let (low, high) = (
                    values.iter().min().copied().unwrap_or(*first),
                    values.iter().max().copied().unwrap_or(*first),
                );
                let moved = if last > first {
                    format!("{name} rose from {first} to {last}")
                } else if last < first {
                    format!("{name} fell from {first} to {last}")
                } else if low == high {
                    format!("{name} held steady at {first}")
                } else {
                    format!("{name} was {first} at the start and the end")
                };
                if low < (*first).min(*last) || high > (*first).max(*last) {
                    format!("{moved} (between {low} and {high})")
                } else {
                    moved
                }
            }
        }
    }
}

fn weeks(n: usize) -> String {
    format!("{n} week{}", if n == 1 { "" } else { "s" })
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_lowercase().chain(chars).collect::<String>()
    })
}

/// "Sep 8".
fn short_date(day: NaiveDate) -> String {
    format!("{} {}", day.format("%b"), day.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trend(answers: &[(Option<u8>, Option<u8>, bool)]) -> Trend {
        trend_from(
            NaiveDate::from_ymd_opt(2026, 9, 7).expect("a date"),
            answers,
        )
    }

    fn trend_from(first: NaiveDate, answers: &[(Option<u8>, Option<u8>, bool)]) -> Trend {
        Trend {
            weeks: answers
                .iter()
                .enumerate()
                .map(|(i, &(mood, stress, skipped))| TrendWeek {
                    monday: first + chrono::Duration::weeks(i as i64),
                    mood,
                    stress,
                    skipped,
                })
                .collect(),
            this_week_open: false,
        }
    }

    fn answered(mood: u8, stress: u8) -> (Option<u8>, Option<u8>, bool) {
        (Some(mood), Some(stress), false)
    }

    const SKIPPED: (Option<u8>, Option<u8>, bool) = (None, None, true);
    const MISSED: (Option<u8>, Option<u8>, bool) = (None, None, false);

    #[test]
    fn the_alt_text_says_which_way_mood_and_stress_went_and_the_weeks_skipped() {
        let mut weeks = vec![answered(2, 4), SKIPPED, answered(3, 3), SKIPPED, SKIPPED];
        weeks.extend([answered(3, 3); 6]);
        weeks.push(answered(4, 2));
        let trend = trend(&weeks);
        assert_eq!(
            trend.alt_text(),
            "Mood rose from 2 to 4 over 12 weeks; stress fell from 4 to 2; 3 weeks skipped. \
             Weeks from Sep 7 to Nov 23, 2026; answers from 1 to 5."
        );
    }

    #[test]
    fn the_alt_text_tells_skipped_weeks_from_unanswered_ones_and_spares_the_open_week() {
        let mut trend = trend(&[answered(3, 2), SKIPPED, MISSED, answered(3, 2), MISSED]);
        trend.this_week_open = true;
        let alt = trend.alt_text();
        assert!(
            alt.starts_with(
                "Mood held steady at 3 over 5 weeks; stress held steady at 2; 1 week skipped \
                 and 1 week without an answer. This week is not answered yet."
            ),
            "{alt}"
        );
    }

    #[test]
    fn the_alt_text_gives_the_range_when_the_weeks_between_went_further() {
        let trend = trend(&[answered(3, 3), answered(1, 5), answered(4, 2)]);
        let alt = trend.alt_text();
        assert!(
            alt.starts_with("Mood rose from 3 to 4 (between 1 and 4)"),
            "{alt}"
        );
        assert!(
            alt.contains("stress fell from 3 to 2 (between 2 and 5)"),
            "{alt}"
        );
    }

    #[test]
    fn a_single_answer_and_missing_stress_are_said_plainly() {
        let trend = trend(&[MISSED, (Some(4), None, false), MISSED]);
        let alt = trend.alt_text();
        assert!(
            alt.starts_with("Mood was 4 (one answer) over 3 weeks"),
            "{alt}"
        );
        assert!(alt.contains("stress: no answers"), "{alt}");
        assert!(
            alt.contains("1 week without an answer. No answers before Sep 14."),
            "weeks before the first answer are not missed: {alt}"
        );
    }

    #[test]
    fn lines_stop_at_weeks_without_an_answer_instead_of_crossing_them() {
        let trend = trend(&[
            answered(2, 4),
            answered(3, 4),
            SKIPPED,
            (Some(4), None, false),
            MISSED,
            answered(5, 1),
        ]);
        assert_eq!(
            trend.runs(Series::Mood),
            vec![vec![(0, 2), (1, 3)], vec![(3, 4)], vec![(5, 5)]]
        );
        assert_eq!(
            trend.runs(Series::Stress),
            vec![vec![(0, 4), (1, 4)], vec![(5, 1)]]
        );
        assert_eq!(trend.skipped(), vec![2]);
    }

    #[test]
    fn the_title_and_file_name_say_the_span() {
        let trend = trend(&[answered(3, 3); 12]);
        assert_eq!(
            trend.title(),
            "Your mood and stress, 12 weeks: Sep 7 to Nov 23, 2026"
        );
        let year = trend_from(
            NaiveDate::from_ymd_opt(2025, 12, 1).expect("a date"),
            &[answered(3, 3); 52],
        );
        assert_eq!(
            year.title(),
            "Your mood and stress, 52 weeks: Dec 1, 2025 to Nov 23, 2026"
        );
        assert_eq!(trend.file_name(), "checkin-trend-12-weeks.png");
        assert_eq!(HistorySpan::Year.weeks(), 52);
    }
}
