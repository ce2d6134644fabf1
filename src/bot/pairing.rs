//! Networking and mentorship pairing: opting in and out, settings, answering introductions,
//! reports and the follow-up. Every reply is private; rounds run on the scheduler.

use chrono::Duration;

use super::{Bot, Failure, Handled, refuse_patient_info};
use crate::domain::command::UserError;
use crate::domain::command::pair::{PairChanges, PairCommand};
use crate::domain::identity::{Actor, Member};
use crate::domain::pairing::{Profile, Role, describe, role_code, shift_code};
use crate::domain::reply::{Block, Outgoing, Reply};
use crate::domain::vocab::Vocab;
use crate::store::Answered;

/// How long after everyone accepted the follow-up is sent.
const FOLLOW_UP_AFTER: Duration = Duration::days(7);

const ROLES_HELP: &str = "Choose a role: /pair join role:peer (meet a colleague), role:mentor \
                          (guide a newer colleague) or role:mentee (find a mentor).";

impl Bot {
    pub(super) async fn pair_command(&self, actor: &Actor, command: PairCommand) -> Handled {
        let now = self.clock.now();
        let user = &actor.member.user;
        let reply = match command {
            PairCommand::Join(changes) => self.pair_save(actor, changes, true).await?,
            PairCommand::Settings(changes) if changes.is_empty() => {
                match self.store.pair_member(user).await? {
                    Some(m) => settings_reply("Your pairing settings", &m.profile, m.paused_until),
                    None => Reply::private(format!("You are not in pairing. {ROLES_HELP}")),
                }
            }
            PairCommand::Settings(changes) => self.pair_save(actor, changes, false).await?,
            PairCommand::Pause(weeks) => {
                let until = now + Duration::weeks(i64::from(weeks));
                if !self.store.pair_pause(user, Some(until.timestamp())).await? {
                    return Err(UserError::new(format!(
                        "You are not in pairing, so there is nothing to pause. {ROLES_HELP}"
                    ))
                    .into());
                }
                let day = until
                    .with_timezone(&self.settings.default_zone)
                    .format("%A, %B %-d");
                Reply::private(format!(
                    "Pairing is paused for {weeks} week{}: no introductions until {day}. You stay \
                     opted in; /pair pause again changes it.",
                    if weeks == 1 { "" } else { "s" }
                ))
            }
            PairCommand::Leave => {
                if self.store.pair_leave(user).await? {
                    Reply::private(
                        "You have left pairing: no more introductions. Past introductions are \
                         kept for six months so you are not paired with the same people again \
                         (/forgetme deletes them). /pair join brings you back.",
                    )
                } else {
                    Reply::private("You were not in pairing; nothing changed.")
                }
            }
            PairCommand::Status => self.pair_status(actor).await?,
            PairCommand::Accept | PairCommand::Skip => {
                let accept = command == PairCommand::Accept;
                let follow_up = (now + FOLLOW_UP_AFTER).timestamp();
                let (outcome, _) = self
                    .store
                    .pair_answer(user, accept, follow_up, now.timestamp())
                    .await?;
                match outcome {
                    Answered::NothingOpen => {
                        return Err(UserError::new(
                            "You have no introduction waiting for an answer. Introductions come \
                             privately each round; /pair status shows where you stand.",
                        )
                        .into());
                    }
                    Answered::Waiting => Reply::private(
                        "Thank you: you accepted. Once everyone has, you'll each be told how to \
                         reach the others.",
                    ),
                    Answered::AllAccepted => {
                        Reply::private("Thank you: everyone accepted. Your introduction follows.")
                    }
                    Answered::Skipped => Reply::private(
                        "Skipped: this introduction won't go ahead, and the others are told \
                         kindly without learning who answered what. You stay in pairing for \
                         the next round.",
                    ),
                }
            }
            PairCommand::Report(reason) => {
                refuse_patient_info("reason", Some(&reason))?;
                let moderators: Vec<Member> = self
                    .settings
                    .moderators
                    .users()
                    .map(|u| Member {
                        user: u.clone(),
                        display_name: u.id.clone(),
                    })
                    .collect();
                let reason = if reason.is_empty() {
                    "(no reason given)".to_owned()
                } else {
                    reason
                };
                let reported = self
                    .store
                    .pair_report(user, &reason, &moderators, now.timestamp())
                    .await?;
                if reported.is_none() {
                    return Err(UserError::new(
                        "You have no current pairing to report. If someone is bothering you \
                         elsewhere, your community's moderators can help.",
                    )
                    .into());
                }
                let who = if moderators.is_empty() {
                    "This labcircle names no moderators; its operator can read the report."
                } else {
                    "The moderators have been told, with your reason."
                };
                Reply::private(format!(
                    "Thank you for telling us. That pairing has ended and you won't be paired \
                     with them again. {who}"
                ))
            }
            PairCommand::Met(met) => {
                if !self.store.pair_met(user, met.code()).await? {
                    return Err(UserError::new(
                        "You have no accepted introduction to answer about. /pair status shows \
                         where you stand.",
                    )
                    .into());
                }
                Reply::private("Thank you for letting us know.")
            }
            PairCommand::Stats => self.pair_stats(actor).await?,
        };
        Ok(vec![Outgoing::Reply(reply)])
    }

    /// 👍 or 👎 on an introduction: the same as `/pair accept` or `/pair skip`, while that
    /// introduction is the member's open one. A reaction on anything else is not an answer.
    pub(super) async fn pair_reaction(&self, actor: &Actor, post: &str, accept: bool) -> Handled {
        let user = &actor.member.user;
        let Some(group) = self.store.pair_intro_for_message(user, post).await? else {
            return Ok(Vec::new());
        };
        let open = self.store.pair_latest_group(user, &["proposed"]).await?;
        if open.map(|g| g.id) != Some(group) {
            return Err(UserError::new(
                "That introduction is no longer open, so your reaction changed nothing. /pair \
                 status shows where you stand.",
            )
            .into());
        }
        let command = if accept {
            PairCommand::Accept
        } else {
            PairCommand::Skip
        };
        self.pair_command(actor, command).await
    }

    /// `/pair join` (first time: a role is needed) or `/pair settings` with changes.
    async fn pair_save(
        &self,
        actor: &Actor,
        changes: PairChanges,
        joining: bool,
    ) -> Result<Reply, Failure> {
        let user = &actor.member.user;
        let existing = self.store.pair_member(user).await?;
        let base = match (&existing, changes.role) {
            (Some(m), _) => m.profile.clone(),
            (None, Some(role)) if joining => {
                // Specialty and state default to the member's /profile.
                let (specialty, state) = self.store.profile(user).await?;
                Profile {
                    role,
                    specialty,
                    state,
                    shift: None,
                    interests: Vec::new(),
                    every_weeks: 2,
                    capacity: 1,
                }
            }
            (None, None) if joining => return Err(UserError::new(ROLES_HELP).into()),
            (None, _) => {
                return Err(UserError::new(format!(
                    "You are not in pairing yet, so there are no settings to change. {ROLES_HELP}"
                ))
                .into());
            }
        };
        let mut p = base;
        if let Some(role) = changes.role {
            p.role = role;
        }
        if let Some(s) = changes.specialty {
            p.specialty = s.map(|s| s.code().to_owned());
        }
        if let Some(s) = changes.state {
            p.state = s.map(|s| s.code().to_owned());
        }
        if let Some(s) = changes.shift {
            p.shift = s;
        }
        if let Some(i) = changes.interests {
            refuse_patient_info("interests", Some(&i.join(", ")))?;
            p.interests = i;
        }
        if let Some(e) = changes.every_weeks {
            p.every_weeks = e;
        }
        match (changes.capacity, p.role) {
            (Some(c), Role::Mentor) => p.capacity = c,
            (Some(_), _) => {
                return Err(UserError::new(
                    "capacity: is for mentors (how many mentees a round, 1 to 3); add \
                     role:mentor to mentor.",
                )
                .into());
            }
            (None, _) => {}
        }
        let community = format!("{}:{}", actor.community.platform.code(), actor.community.id);
        let new = self
            .store
            .pair_join(&actor.member, &community, &p, self.clock.now().timestamp())
            .await?;
        let title = if new {
            format!(
                "You're in pairing as a {}. Each round you may get a private introduction; \
                 names are shared only when both of you accept.",
                role_code(p.role)
            )
        } else {
            "Your pairing settings are saved.".to_owned()
        };
        Ok(settings_reply(
            &title,
            &p,
            existing.and_then(|m| m.paused_until),
        ))
    }

    async fn pair_status(&self, actor: &Actor) -> Result<Reply, Failure> {
        let user = &actor.member.user;
        let Some(m) = self.store.pair_member(user).await? else {
            return Ok(Reply::private(format!(
                "You are not in pairing. {ROLES_HELP}"
            )));
        };
        let now = self.clock.now().timestamp();
        let mut reply = match m.paused_until.filter(|u| *u > now) {
            Some(_) => Reply::private(format!(
                "You are in pairing as a {}, paused.",
                role_code(m.profile.role)
            )),
            None => Reply::private(format!(
                "You are in pairing as a {}.",
                role_code(m.profile.role)
            )),
        };
        let latest = self
            .store
            .pair_latest_group(user, &["proposed", "accepted"])
            .await?;
        reply = reply.text(match latest {
            Some(g) if g.status == "proposed" => {
                let answered = g.seat(user).and_then(|s| s.answer.clone()).is_some();
                if answered {
                    "Your current introduction: you accepted; waiting for the others.".to_owned()
                } else {
                    "Your current introduction is waiting for your answer: /pair accept or \
                     /pair skip."
                        .to_owned()
                }
            }
            Some(_) => "Your latest introduction was accepted by everyone.".to_owned(),
            None => "No introduction is open; the next round will bring one if a match exists."
                .to_owned(),
        });
        if let Some(next) = self.settings.pairing.next_after(self.clock.now()) {
            let when = next
                .with_timezone(&self.settings.pairing.zone)
                .format("%A, %B %-d at %-I:%M %p");
            reply = reply.footer(format!("Next round: {when}."));
        }
        Ok(reply)
    }

    async fn pair_stats(&self, actor: &Actor) -> Result<Reply, Failure> {
        let community = format!("{}:{}", actor.community.platform.code(), actor.community.id);
        let scope = self.settings.pairing.scope_of(&community);
        let counts = self.store.pair_counts(&scope).await?;
        let min = i64::from(self.settings.stats_min_answers);
        let show = |n: i64| {
            if n >= min {
                n.to_string()
            } else {
                format!("fewer than {min}")
            }
        };
        Ok(Reply::private(format!(
            "Pairing in {} (counts under {min} are not shown, so nobody can be picked out)",
            if scope == crate::domain::pairing::rounds::DEPLOYMENT {
                "the whole deployment"
            } else {
                "this community"
            }
        ))
        .block(Block::Fields(vec![
            ("Introductions".into(), show(counts.groups)),
            ("Accepted by everyone".into(), show(counts.accepted)),
            ("Said they met".into(), show(counts.met_yes)),
            ("Said they did not meet".into(), show(counts.met_no)),
            ("Not yet".into(), show(counts.met_not_yet)),
        ])))
    }
}

/// The member's settings, under `title`.
fn settings_reply(title: &str, p: &Profile, paused_until: Option<i64>) -> Reply {
    let none = || "not given".to_owned();
    let mut fields = vec![
        ("Role".to_owned(), role_code(p.role).to_owned()),
        (
            "Specialty".to_owned(),
            p.specialty.clone().unwrap_or_else(none),
        ),
        ("State".to_owned(), p.state.clone().unwrap_or_else(none)),
        (
            "Shift".to_owned(),
            p.shift.map(shift_code).map_or_else(none, str::to_owned),
        ),
        (
            "Interests".to_owned(),
            if p.interests.is_empty() {
                none()
            } else {
                p.interests.join(", ")
            },
        ),
        (
            "How often".to_owned(),
            format!("every {} weeks", p.every_weeks),
        ),
    ];
    if p.role == Role::Mentor {
        fields.push(("Mentees a round".to_owned(), p.capacity.to_string()));
    }
    if paused_until.is_some() {
        fields.push(("Paused".to_owned(), "yes (/pair status)".to_owned()));
    }
    Reply::private(title)
        .block(Block::Fields(fields))
        .footer(format!("Others see you as: {}.", describe(p)))
}
