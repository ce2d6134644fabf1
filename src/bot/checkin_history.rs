//! `/checkin history [year]`: a member's own answers, privately, in words and as a chart.
//! Nothing here logs an answer or a note; a chart that cannot be drawn is logged without them.

use chrono::Duration;

use super::{Bot, Failure};
use crate::chart;
use crate::domain::identity::Actor;
use crate::domain::reply::{Block, Reply};
use crate::domain::trend::{HistorySpan, Trend, TrendWeek};
use crate::domain::weekly::{instant, week_label, week_span};
use crate::domain::wellbeing;
use crate::notes::NotePlace;

/// Weeks listed one by one (with notes) under the chart; a year shows its last 12 in words.
const LISTED_WEEKS: usize = 12;

impl Bot {
    pub(super) async fn history(&self, actor: &Actor, span: HistorySpan) -> Result<Reply, Failure> {
        let span_weeks = i64::from(span.weeks());
        let now = self.clock.now();
        let zone = self.member_zone(actor).await?;
        let this_week = wellbeing::week_of(now.with_timezone(&zone).date_naive());
        let first = this_week - Duration::weeks(span_weeks - 1);
        let answers = self
            .store
            .answers_since(&actor.member.user, &first.format("%Y-%m-%d").to_string())
            .await?;
        if answers.is_empty() {
            return Ok(Reply::private(format!(
                "No check-in answers in the last {span_weeks} weeks yet."
            ))
            .text("When you answer a check-in, your history shows here, only to you."));
        }
        let skips = self
            .store
            .skipped_weeks_since(&actor.member.user, &first.format("%Y-%m-%d").to_string())
            .await?;
        let mut weeks: Vec<Option<u8>> = Vec::new();
        let mut skipped = Vec::new();
        let mut points = Vec::new();
        let mut lines = Vec::new();
        let listed_from = usize::try_from(span_weeks)
            .unwrap_or(0)
            .saturating_sub(LISTED_WEEKS);
        for i in 0..span_weeks {
            let monday = first + Duration::weeks(i);
            let key = monday.format("%Y-%m-%d").to_string();
            // The latest answer of the week counts.
            let answer = answers.iter().rev().find(|a| a.week == key);
            let was_skipped = answer.is_none() && skips.contains(&key);
            weeks.push(answer.map(|a| a.mood));
            skipped.push(was_skipped);
            points.push(TrendWeek {
                monday,
                mood: answer.map(|a| a.mood),
                stress: answer.and_then(|a| a.stress),
                skipped: was_skipped,
            });
            if usize::try_from(i).unwrap_or(0) < listed_from {
                continue;
            }
            if was_skipped {
                lines.push(format!("{}: skipped", week_span(&key)));
            }
            if let Some(a) = answer {
                let mut line = format!(
                    "{}: {} ({})",
                    week_span(&key),
                    wellbeing::mood_label(a.mood).unwrap_or("?"),
                    a.mood
                );
                if let Some(s) = a.stress {
                    line.push_str(&format!(", stress {s}"));
                }
                if let Some(sealed) = &a.note {
                    let place = NotePlace::of(&actor.member.user, &a.community, &a.week);
                    match self
                        .settings
                        .note_key
                        .as_ref()
                        .and_then(|k| k.open(sealed, &place))
                    {
                        Some(note) => line.push_str(&format!(", note: {note}")),
                        None => line.push_str(", note: (locked: this server cannot open it)"),
                    }
                }
                lines.push(line);
            }
        }
        // This week still counts as open (not missed) while its prompt can be answered or has
        // yet to come.
        let this_week_key = this_week.format("%Y-%m-%d").to_string();
        let prompt_open = self
            .store
            .open_prompt(&actor.member.user, now.timestamp())
            .await?
            .is_some_and(|p| p.week == this_week_key);
        let prompt_coming = self
            .store
            .schedule(&actor.member.user)
            .await?
            .is_some_and(|s| week_label(instant(s.next_due_at), zone) == this_week_key);
        let open = weeks.last().is_some_and(Option::is_none) && (prompt_open || prompt_coming);
        let streak = wellbeing::streak_keeping_skips(&weeks, &skipped, open);
        let trend_text = wellbeing::trend(&weeks).to_string();
        let mut reply = Reply::private(format!("Your last {span_weeks} weeks (only you see this)"))
            .text(format!(
                "{}   oldest → this week",
                wellbeing::sparkline(&weeks)
            ))
            .text(format!(
                "Streak: {streak} week{} answered in a row. Trend: {trend_text}.",
                if streak == 1 { "" } else { "s" }
            ));
        if listed_from > 0 {
            reply = reply.text(format!("Your answers of the last {LISTED_WEEKS} weeks:"));
        }
        reply = reply.block(Block::Bullets(lines));
        let trend = Trend {
            weeks: points,
            this_week_open: open,
        };
        match chart::image_block(&trend) {
            Ok(image) => reply = reply.block(image),
            // The words above still answer; the error names no answer.
            Err(e) => tracing::error!(error = %e, "the check-in trend chart could not be drawn"),
        }
        if span == HistorySpan::Quarter {
            reply = reply.footer("/checkin history year shows the last 52 weeks.");
        }
        Ok(reply)
    }
}
