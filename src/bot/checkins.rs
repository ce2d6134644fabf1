//! Wellbeing check-ins: opting in, answering, history, privacy. Every reply here is private.
//! Nothing in this module logs answers or notes.

use chrono::{DateTime, Duration, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

use super::crisis;
use super::limits::Limit;
use super::{Bot, Failure, Handled};
use crate::domain::command::{CheckinCommand, ShiftEnd, SnoozeFor, UserError};
use crate::domain::help::{CRISIS_LINES, NOT_AN_EMERGENCY_SERVICE};
use crate::domain::identity::Actor;
use crate::domain::phi;
use crate::domain::reply::{Block, Item, Outgoing, Reply};
use crate::domain::safety;
use crate::domain::schedule::{self, QuietHours, WeeklySchedule};
use crate::domain::search::SearchQuery;
use crate::domain::understand::{Need, Wants};
use crate::domain::vocab::{Kind, Vocab, from_code};
use crate::domain::weekly::{instant, local_label, next_due, week_label};
use crate::domain::wellbeing;
use crate::notes::NotePlace;
use crate::store::{AnswerRow, NewPrompt, PromptRow, PublishedWeek, ScheduleRow};

/// Weeks shown by `/checkin stats` (and `/checkin history` without `year`).
const HISTORY_WEEKS: i64 = 12;

/// Uniform numbers in (0, 1] from the operating system's generator, for the noise in stats.
fn fresh_uniform() -> impl FnMut() -> f64 {
    use chacha20poly1305::aead::OsRng;
    use chacha20poly1305::aead::rand_core::RngCore;
    || ((OsRng.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
}

fn community_key(actor: &Actor) -> String {
    format!("{}:{}", actor.community.platform.code(), actor.community.id)
}

impl Bot {
    pub(super) async fn checkin(&self, actor: &Actor, command: CheckinCommand) -> Handled {
        let reply = match command {
            CheckinCommand::Start { day, time, zone } => self.start(actor, day, time, zone).await?,
            CheckinCommand::Stop => self.stop(actor).await?,
            CheckinCommand::Pause(weeks) => self.pause(actor, weeks).await?,
            CheckinCommand::Skip => self.skip(actor).await?,
            CheckinCommand::Settings(shift) => self.settings_reply(actor, shift).await?,
            CheckinCommand::Now => self.now_prompt(actor).await?,
            CheckinCommand::Answer { mood, stress, note } => {
                let answered = async {
                    let prompt = self.answerable_prompt(actor).await?;
                    self.answer(actor, &prompt, mood, stress, note.as_deref())
                        .await
                }
                .await;
                // A note of suicide or self-harm (read here, in memory, never logged or
                // forwarded) brings the crisis lines first, whatever the mood, even when
                // nothing could be recorded.
                if note.as_deref().is_some_and(safety::mentions_self_harm) {
                    return Ok(crisis::crisis_first(answered));
                }
                return answered;
            }
            CheckinCommand::Snooze(how) => self.snooze(actor, how).await?,
            CheckinCommand::Quiet(quiet) => self.quiet(actor, quiet).await?,
            CheckinCommand::History(span) => self.history(actor, span).await?,
            CheckinCommand::Stats => self.stats(actor).await?,
        };
        Ok(vec![Outgoing::Reply(reply)])
    }

    /// The next prompt after `now` for a changed schedule; a week that already had its prompt
    /// (scheduled or `/checkin now`) does not get a second one.
    async fn next_prompt(
        &self,
        user: &crate::domain::identity::UserId,
        schedule: &WeeklySchedule,
        now: DateTime<Utc>,
        paused_until: Option<i64>,
    ) -> Result<i64, Failure> {
        let next = next_due(schedule, now, paused_until);
        let latest = self.store.latest_prompt(user).await?;
        if latest.is_some_and(|p| p.week == week_label(instant(next), schedule.zone)) {
            return Ok(next_due(schedule, instant(next), paused_until));
        }
        Ok(next)
    }

    pub(super) async fn own_schedule(
        &self,
        actor: &Actor,
    ) -> Result<(ScheduleRow, WeeklySchedule), Failure> {
        let row = self.store.schedule(&actor.member.user).await?.ok_or_else(|| {
            UserError::new(
                "You have not opted in to check-ins. /checkin start opts in (you choose the day, \
                 time and time zone).",
            )
        })?;
        let schedule = row.schedule().ok_or_else(|| {
            UserError::new("Your schedule could not be read; /checkin start sets it again.")
        })?;
        Ok((row, schedule))
    }

    async fn start(
        &self,
        actor: &Actor,
        day: Option<Weekday>,
        time: Option<NaiveTime>,
        zone: Option<Tz>,
    ) -> Result<Reply, Failure> {
        let now = self.clock.now();
        let existing = self.store.schedule(&actor.member.user).await?;
        let old = existing.as_ref().and_then(ScheduleRow::schedule);
        let schedule = WeeklySchedule {
            weekday: day
                .or(old.map(|o| o.weekday))
                .unwrap_or(self.settings.default_weekday),
            time: time
                .or(old.map(|o| o.time))
                .unwrap_or(self.settings.default_time),
            zone: zone
                .or(old.map(|o| o.zone))
                .unwrap_or(self.settings.default_zone),
            quiet: old.and_then(|o| o.quiet),
        };
        // A pause in force survives a change of day or time.
        let paused_until = existing
            .as_ref()
            .and_then(|e| e.paused_until)
            .filter(|p| *p > now.timestamp());
        let next = self
            .next_prompt(&actor.member.user, &schedule, now, paused_until)
            .await?;
        let row = ScheduleRow {
            member: actor.member.clone(),
            community: community_key(actor),
            weekday: schedule.weekday.num_days_from_monday() as u8,
            local_time: schedule.time.format("%H:%M").to_string(),
            timezone: schedule.zone.name().to_owned(),
            quiet: schedule.quiet.map(|q| {
                (
                    q.start.format("%H:%M").to_string(),
                    q.end.format("%H:%M").to_string(),
                )
            }),
            paused_until,
            next_due_at: next,
        };
        self.store.save_schedule(&row, now.timestamp()).await?;
        let title = if existing.is_some() {
            "Your check-in schedule is updated."
        } else {
            "You're in: a private check-in, once a week."
        };
        let mut reply = Reply::private(title).text(format!(
            "Every {} at {} ({}). Next: {}.",
            schedule::weekday_name(schedule.weekday),
            schedule.time.format("%H:%M"),
            schedule.zone.name(),
            local_label(instant(next), schedule.zone)
        ));
        reply = reply.text(
            "Your answers are private to you: admins only ever see rough weekly counts of how \
             members are doing (struggling, okay, good), never anyone's answers.",
        );
        if self.settings.note_key.is_none() {
            reply = reply.text(
                "Notes are turned off on this server, so only the numbers you choose are kept.",
            );
        }
        Ok(reply.footer("/checkin settings · /checkin quiet 08:00-16:00 · /checkin stop"))
    }

    async fn stop(&self, actor: &Actor) -> Result<Reply, Failure> {
        self.store
            .cancel_pending_checkins(&actor.member.user)
            .await?;
        if !self.store.delete_schedule(&actor.member.user).await? {
            return Err(UserError::new(
                "You are not opted in to check-ins, so there is nothing to stop.",
            )
            .into());
        }
        Ok(
            Reply::private("Check-ins stopped: no more prompts.").text(format!(
                "Your past answers stay private to you until they are {} days old, or until you \
             delete everything with /forgetme. /checkin start opts in again.",
                self.settings.retention.num_days()
            )),
        )
    }

    async fn pause(&self, actor: &Actor, weeks: u32) -> Result<Reply, Failure> {
        let (mut row, schedule) = self.own_schedule(actor).await?;
        let now = self.clock.now();
        let until = now + Duration::weeks(i64::from(weeks));
        row.paused_until = Some(until.timestamp());
        self.store
            .cancel_pending_checkins(&actor.member.user)
            .await?;
        row.next_due_at = self
            .next_prompt(&actor.member.user, &schedule, now, row.paused_until)
            .await?;
        self.store.save_schedule(&row, now.timestamp()).await?;
        Ok(Reply::private(format!(
            "Paused for {weeks} week{}.",
            if weeks == 1 { "" } else { "s" }
        ))
        .text(format!(
            "Next check-in: {}, when the pause ends.",
            local_label(instant(row.next_due_at), schedule.zone)
        )))
    }

    async fn skip(&self, actor: &Actor) -> Result<Reply, Failure> {
        let (mut row, schedule) = self.own_schedule(actor).await?;
        let skipped = instant(row.next_due_at);
        row.next_due_at = next_due(&schedule, skipped, row.paused_until);
        let now = self.clock.now().timestamp();
        self.store.save_schedule(&row, now).await?;
        // A week skipped on purpose keeps the streak.
        let week = week_label(skipped, schedule.zone);
        self.store
            .record_skip(&actor.member.user, &week, now)
            .await?;
        Ok(Reply::private(format!(
            "Skipped the check-in of {}.",
            local_label(skipped, schedule.zone)
        ))
        .text(format!(
            "The next one: {}.",
            local_label(instant(row.next_due_at), schedule.zone)
        )))
    }

    async fn settings_reply(
        &self,
        actor: &Actor,
        shift: Option<ShiftEnd>,
    ) -> Result<Reply, Failure> {
        let changed = match shift {
            Some(shift) => Some(self.set_shift_end(actor, shift).await?),
            None => None,
        };
        let Some(row) = self.store.schedule(&actor.member.user).await? else {
            return Ok(Reply::private("You are not opted in to check-ins.").text(
                "A private weekly question, \"How are you doing this week?\", at a day and time \
                 you choose. /checkin start opts in; /help checkin start explains.",
            ));
        };
        let (_, schedule) = self.own_schedule(actor).await?;
        let mut fields = vec![
            (
                "Day".to_owned(),
                schedule::weekday_name(schedule.weekday).to_owned(),
            ),
            ("Time".to_owned(), schedule.time.format("%H:%M").to_string()),
            ("Time zone".to_owned(), schedule.zone.name().to_owned()),
            (
                "Quiet hours".to_owned(),
                schedule.quiet.map_or("none".to_owned(), |q| q.to_string()),
            ),
            (
                "Shift ends".to_owned(),
                self.store
                    .shift_end(&actor.member.user)
                    .await?
                    .unwrap_or_else(|| "not set".to_owned()),
            ),
        ];
        // The pause ends with the first prompt after it: that day and time is what the member
        // waits for, not the instant the pause was counted to.
        if row
            .paused_until
            .is_some_and(|p| p > self.clock.now().timestamp())
        {
            fields.push((
                "Paused until".into(),
                format!(
                    "{} (your next check-in)",
                    local_label(instant(row.next_due_at), schedule.zone)
                ),
            ));
        }
        fields.push((
            "Next check-in".into(),
            local_label(instant(row.next_due_at), schedule.zone),
        ));
        let title = changed.unwrap_or_else(|| "Your check-in settings".to_owned());
        Ok(Reply::private(title).block(Block::Fields(fields)).footer(
            "/checkin start DAY TIME ZONE · /checkin pause WEEKS · /checkin skip · /checkin stop",
        ))
    }

    async fn now_prompt(&self, actor: &Actor) -> Result<Reply, Failure> {
        let (row, schedule) = self.own_schedule(actor).await?;
        let now = self.clock.now();
        // One prompt at a time: a second /checkin now points to the open one.
        if let Some(open) = self
            .store
            .open_prompt(&actor.member.user, now.timestamp())
            .await?
        {
            let (of, until) = (
                local_label(instant(open.due_at), schedule.zone),
                local_label(instant(open.expires_at), schedule.zone),
            );
            let text = if open.status == "answered" {
                format!(
                    "You answered your check-in of {of}; /checkin answer changes the answer \
                     until {until}. No new one was opened."
                )
            } else {
                format!(
                    "Your check-in of {of} is still open, in your private messages: answer it \
                     there (or with /checkin answer 1-5) until {until}. No new one was opened."
                )
            };
            return Ok(Reply::private(text));
        }
        // Stopping, pausing or forgetting closes the open prompt, so the rule above alone
        // would let a member open prompt after prompt: a few a day is the most.
        let since = now - Duration::days(1);
        let stored = self
            .store
            .prompts_due_since(&actor.member.user, since.timestamp())
            .await?;
        let (remembered, _) = self
            .limits
            .made_since(Limit::CheckinNow, &actor.member.user, since);
        let most = i64::from(self.settings.limits.checkin_now_per_day);
        if stored.max(remembered) >= most {
            return Ok(Reply::private(format!(
                "You have had {most} check-ins in the last 24 hours, the most in one day; no new \
                 one was opened. Your next one comes as scheduled. If you need someone now, \
                 /crisis lists people you can call or text."
            )));
        }
        let prompt = NewPrompt {
            member: actor.member.clone(),
            community: row.community.clone(),
            due_at: now.timestamp(),
            week: week_label(now, schedule.zone),
            expires_at: (now + self.settings.prompt_expiry).timestamp(),
        };
        self.store
            .create_prompt_now(&prompt, now.timestamp())
            .await?;
        self.limits.note_made(Limit::CheckinNow, &actor.member.user);
        // This week's scheduled prompt is the one just sent: the next comes next week.
        if week_label(instant(row.next_due_at), schedule.zone) == prompt.week {
            let mut row = row;
            row.next_due_at = next_due(&schedule, instant(row.next_due_at), row.paused_until);
            self.store.save_schedule(&row, now.timestamp()).await?;
        }
        Ok(Reply::private("Your check-in is on its way, privately."))
    }

    /// The member's open prompt, or a message saying why there is none.
    pub(super) async fn answerable_prompt(&self, actor: &Actor) -> Result<PromptRow, Failure> {
        let now = self.clock.now().timestamp();
        if let Some(p) = self.store.open_prompt(&actor.member.user, now).await? {
            return Ok(p);
        }
        let zone = self.member_zone(actor).await?;
        let message = match self.store.latest_prompt(&actor.member.user).await? {
            Some(p) if p.expires_at <= now && p.status != "answered" => format!(
                "Your last check-in (of {}) closed on {}: prompts stay open for {} hours. \
                 /checkin now opens a new one. Nothing was recorded.",
                local_label(instant(p.due_at), zone),
                local_label(instant(p.expires_at), zone),
                self.settings.prompt_expiry.num_hours()
            ),
            _ => "You have no open check-in to answer. /checkin now opens one. Nothing was \
                  recorded."
                .to_owned(),
        };
        Err(UserError::new(message).into())
    }

    pub(super) async fn member_zone(&self, actor: &Actor) -> Result<Tz, Failure> {
        Ok(self
            .store
            .schedule(&actor.member.user)
            .await?
            .as_ref()
            .and_then(ScheduleRow::schedule)
            .map_or(self.settings.default_zone, |s| s.zone))
    }

    /// Records an answer (from a command or a reaction) and replies, with support resources
    /// when the answer is low.
    pub(super) async fn answer(
        &self,
        actor: &Actor,
        prompt: &PromptRow,
        mood: u8,
        stress: Option<u8>,
        note: Option<&str>,
    ) -> Handled {
        if prompt.user != actor.member.user {
            return Err(
                UserError::new("That check-in was not sent to you; nothing was recorded.").into(),
            );
        }
        if let Some(Err(refusal)) = note.map(|n| phi::guard("note", n)) {
            // Private: it quotes what the member typed; never stored nor logged.
            return Err(Failure::Private(UserError::new(format!(
                "{} Nothing was recorded.",
                refusal.explanation()
            ))));
        }
        let now = self.clock.now();
        // The member's earlier answers, for the "fall of 2 points" rule.
        let zone = self.member_zone(actor).await?;
        let since = week_label(now - Duration::weeks(8), zone);
        let recent: Vec<u8> = self
            .store
            .answers_since(&actor.member.user, &since)
            .await?
            .iter()
            .filter(|a| a.week != prompt.week)
            .map(|a| a.mood)
            .collect();
        let sealed = match (note, &self.settings.note_key) {
            (Some(n), Some(key)) => Some(key.seal(
                n,
                &NotePlace::of(&prompt.user, &prompt.community, &prompt.week),
            )),
            _ => None,
        };
        let answer = AnswerRow {
            community: prompt.community.clone(),
            week: prompt.week.clone(),
            mood,
            stress,
            note: sealed,
            answered_at: now.timestamp(),
        };
        let corrected = self.store.prompt_answered(prompt.id).await?;
        self.store.record_answer(prompt, &answer).await?;
        let label = wellbeing::mood_label(mood).unwrap_or("?");
        let mut reply = Reply::private(if corrected {
            format!("Updated: {label} ({mood}).")
        } else {
            format!("Thank you. Recorded: {label} ({mood}).")
        });
        if let Some(s) = stress {
            reply = reply.text(format!("Stress: {s} of 5."));
        }
        if note.is_some() && self.settings.note_key.is_none() {
            if self.first_notes_off_notice(&actor.member.user) {
                reply = reply.text(
                    "Notes are turned off on this server, so only your answer was kept, not the \
                     note.",
                );
            }
        } else if note.is_some() {
            reply = reply.text("Your note is stored encrypted; only you can see it.");
        }
        if wellbeing::is_low(mood, &recent) {
            // After a note of suicide or self-harm the lines already lead the reply.
            let lines_shown = note.is_some_and(safety::mentions_self_harm);
            reply = self.support_resources(actor, reply, lines_shown).await?;
        } else {
            reply = reply.footer(if stress.is_none() && note.is_none() {
                format!(
                    "Add a stress level or a note if you like: /checkin answer {mood} stress:1-5 \
                     note:…  ·  /checkin history shows your last 12 weeks."
                )
            } else {
                "/checkin history shows your last 12 weeks, privately.".to_owned()
            });
        }
        Ok(vec![Outgoing::Reply(reply)])
    }

    async fn support_resources(
        &self,
        actor: &Actor,
        reply: Reply,
        lines_shown: bool,
    ) -> Result<Reply, Failure> {
        let mut reply = if lines_shown {
            reply
        } else {
            reply
                .text("That sounds like a hard week. You don't have to carry it alone:")
                .block(Block::Bullets(
                    CRISIS_LINES
                        .iter()
                        .map(|l| format!("{}: {}", l.name, l.how))
                        .collect(),
                ))
        };
        // Peers first: lab communities and peer support for the member's specialty and state,
        // national ones otherwise (the lines above are not repeated).
        let (specialty, state) = self.store.profile(&actor.member.user).await?;
        let query = SearchQuery {
            wants: Wants {
                needs: vec![Need::TalkToSomeone],
                specialty: specialty.as_deref().and_then(from_code),
                lab_wide: true,
                ..Wants::default()
            },
            home_state: state.as_deref().and_then(from_code),
            today: Some(self.clock.now().date_naive()),
            ..SearchQuery::default()
        };
        let index = self.index().await?;
        let groups: Vec<Item> = index
            .search(&query, 0, 8)
            .entries
            .into_iter()
            .filter(|e| e.kind != Kind::CrisisLine)
            .take(3)
            .map(|e| Item {
                title: e.name.clone(),
                subtitle: format!("{} · {}", e.kind.label(), e.region_label()),
                lines: vec![format!("details: /group show {}", e.key)],
                link: e.url.clone(),
            })
            .collect();
        if !groups.is_empty() {
            reply = reply.text("Peers who get it:").block(Block::Items {
                first_number: 1,
                items: groups,
            });
        }
        if lines_shown {
            return Ok(reply);
        }
        Ok(reply.text(format!(
            "{NOT_AN_EMERGENCY_SERVICE} Nothing you answer is forwarded to anyone."
        )))
    }

    async fn quiet(&self, actor: &Actor, quiet: Option<QuietHours>) -> Result<Reply, Failure> {
        let (mut row, mut schedule) = self.own_schedule(actor).await?;
        schedule.quiet = quiet;
        row.quiet = quiet.map(|q| {
            (
                q.start.format("%H:%M").to_string(),
                q.end.format("%H:%M").to_string(),
            )
        });
        let now = self.clock.now();
        row.next_due_at = self
            .next_prompt(&actor.member.user, &schedule, now, row.paused_until)
            .await?;
        self.store.save_schedule(&row, now.timestamp()).await?;
        let title = match quiet {
            Some(q) => format!(
                "Quiet hours set: {q} ({}). Nothing arrives inside them.",
                schedule.zone.name()
            ),
            None => "Quiet hours removed.".to_owned(),
        };
        Ok(Reply::private(title).text(format!(
            "Next check-in: {}.",
            local_label(instant(row.next_due_at), schedule.zone)
        )))
    }

    /// Community figures that cannot give one member away: only answers from members who
    /// opted in here at least four weeks before the week count, a week shows only from
    /// `stats_min_answers` of them, and then only as counts per band (struggling, okay, good),
    /// each with a little noise and rounded to 5. A week's figures are worked out once, the
    /// first time it is shown after it closed, and kept: later `/forgetme`s, stops or a
    /// repeated question cannot change them, so no difference gives an answer away.
    async fn stats(&self, actor: &Actor) -> Result<Reply, Failure> {
        let now = self.clock.now();
        let zone = self.settings.default_zone;
        let min = self.settings.stats_min_answers;
        let community = community_key(actor);
        let since = week_label(now - Duration::weeks(HISTORY_WEEKS - 1), zone);
        // A week shows only once every prompt of it has closed: an open week's figures would
        // change with one more answer (or a correction) and give that answer away.
        let closed_before = (now - self.settings.prompt_expiry - Duration::days(8))
            .with_timezone(&zone)
            .date_naive()
            .format("%Y-%m-%d")
            .to_string();
        let published = self.store.published_weeks(&community, &since).await?;
        let seasoning = Duration::weeks(wellbeing::STATS_SEASONING_WEEKS).num_seconds();
        let mut fresh = Vec::new();
        for week in self
            .store
            .week_moods(&community, &since, &closed_before, seasoning)
            .await?
        {
            if published.iter().any(|p| p.week == week.week) {
                continue;
            }
            let counted: u32 = week.per_mood.iter().sum();
            let bands = (counted >= min).then(|| {
                let mut uniform = fresh_uniform();
                wellbeing::band_counts(week.per_mood)
                    .map(|n| wellbeing::published_count(n, &mut uniform))
            });
            fresh.push(PublishedWeek {
                week: week.week,
                bands,
                min_answers: min,
            });
        }
        for week in &fresh {
            self.store
                .publish_week(&community, week, now.timestamp())
                .await?;
        }
        let mut weeks = if fresh.is_empty() {
            published
        } else {
            // Read back: an admin asking at the same moment may have kept other figures first.
            self.store.published_weeks(&community, &since).await?
        };
        // Only closed weeks, even if the clock was set back.
        weeks.retain(|w| w.week <= closed_before);
        if weeks.is_empty() {
            return Ok(Reply::private(
                "No closed check-in weeks with answers in this community in the last 12 weeks.",
            )
            .text("A week shows here once its check-ins have closed."));
        }
        let lines = weeks
            .iter()
            .map(|w| {
                // Figures kept under a lower minimum than today's are not shown any more.
                let bands = w.bands.filter(|_| w.min_answers >= min);
                wellbeing::band_line(&w.week, bands, min)
            })
            .collect();
        Ok(
            Reply::private("Check-ins in this community: how members are doing, roughly")
                .block(Block::Bullets(lines))
                .text(format!(
                    "Counted: each member's latest answer of the week, from members who opted in \
                     here at least {} weeks before it. Each figure is rounded to 5 after a small \
                     random change, so no figure gives away one member's answer.",
                    wellbeing::STATS_SEASONING_WEEKS
                ))
                .footer(format!(
                    "Weeks with fewer than {min} such answers are hidden. A week's figures are \
                     fixed when first shown. Nobody's own answers are ever shown to anyone else."
                )),
        )
    }

    /// A reaction added to a post that is not an announcement: a keycap 1️⃣-5️⃣ on a check-in
    /// prompt answers it, 💤 (or ⏰) snoozes it. Anything else is not ours.
    pub(super) async fn checkin_reaction(&self, actor: &Actor, post: &str, emoji: &str) -> Handled {
        let snooze = wellbeing::is_snooze(emoji);
        let mood = wellbeing::parse_mood(emoji).ok();
        if mood.is_none() && !snooze {
            return Ok(Vec::new());
        }
        let Some(prompt) = self
            .store
            .prompt_for_message(actor.member.user.platform, post)
            .await?
        else {
            return Ok(Vec::new());
        };
        if prompt.user != actor.member.user {
            return Err(
                UserError::new("That check-in was not sent to you; nothing was recorded.").into(),
            );
        }
        let now = self.clock.now().timestamp();
        if prompt.expires_at <= now {
            let zone = self.member_zone(actor).await?;
            return Err(UserError::new(format!(
                "That check-in closed on {}; nothing was recorded. /checkin now opens a new one.",
                local_label(instant(prompt.expires_at), zone)
            ))
            .into());
        }
        match mood {
            Some(mood) => self.answer(actor, &prompt, mood, None, None).await,
            None => {
                let reply = self
                    .snooze(actor, SnoozeFor::By(Duration::hours(4)))
                    .await?;
                Ok(vec![Outgoing::Reply(reply)])
            }
        }
    }
}
