//! The tips library: sharing under the patient-information guard, moderation before or after
//! (per community), browsing best first, one helpful vote per member, private saved lists,
//! reports into the moderators' queue, and the one tip that may follow a check-in answer.

use super::limits::{Gate, Limit};
use super::{Bot, Failure, Handled, refuse_patient_info};
use crate::domain::command::{TipCommand, UserError};
use crate::domain::identity::Actor;
use crate::domain::reply::{Block, Item, Outgoing, Reply};
use crate::domain::tips::{self, CheckinContext, Moderation, Tip, TipStatus};
use crate::domain::vocab::{Specialty, from_code};
use crate::store::{NewTip, TipMark};

/// The community an actor acts in, as tips store it (`platform:id`).
fn community_of(actor: &Actor) -> String {
    format!("{}:{}", actor.community.platform.code(), actor.community.id)
}

fn no_such_tip(id: i64) -> Failure {
    UserError::new(format!(
        "There is no tip #{id} here. /tips lists the tips of this community, each as Tip #N."
    ))
    .into()
}

/// Words worth looking for in tips' text (short words like "a" or "to" match everything).
fn search_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| w.chars().count() >= 3)
        .take(5)
        .collect()
}

impl Bot {
    pub(super) async fn tips_command(&self, actor: &Actor, command: TipCommand) -> Handled {
        let community = community_of(actor);
        let moderator = self.rights(actor).moderator;
        let now = self.clock.now().timestamp();
        let user = &actor.member.user;
        let reply = match command {
            TipCommand::Browse { topic, words, page } => {
                let found = self
                    .store
                    .browse_tips(
                        &community,
                        topic,
                        &search_words(words.as_deref().unwrap_or_default()),
                        (page - 1) * tips::PAGE,
                        tips::PAGE + 1,
                    )
                    .await?;
                let more = found.len() > tips::PAGE;
                let shown = &found[..found.len().min(tips::PAGE)];
                let mut reply = tips::list_reply(shown, topic, words.as_deref(), moderator);
                if more {
                    let footer = reply.footer.take().unwrap_or_default();
                    reply = reply.footer(format!("More: page:{}  ·  {footer}", page + 1));
                }
                reply
            }
            TipCommand::Saved => {
                let saved = self.store.saved_tips(user).await?;
                if saved.is_empty() {
                    Reply::private("You have no saved tips.")
                        .text("/tip save ID keeps a tip here, where only you see it.")
                } else {
                    Reply::private("Your saved tips (only you see this list)")
                        .block(Block::Items {
                            first_number: 1,
                            items: saved.iter().map(|t| tips::item(t, false)).collect(),
                        })
                        .footer("/tip unsave ID takes one off.")
                }
            }
            TipCommand::Share { topic, text } => {
                refuse_patient_info("tip", Some(&text))?;
                let moderation = self.settings.tips.moderation(&community);
                let status = match moderation {
                    Moderation::Before => TipStatus::Pending,
                    Moderation::After => TipStatus::Live,
                };
                let limit = self.settings.tips.tips_per_day;
                let added = self
                    .store
                    .add_tip_within(
                        NewTip {
                            author: &actor.member,
                            community: &community,
                            topic,
                            text: &text,
                            status,
                        },
                        now,
                        limit,
                    )
                    .await?;
                let Some(id) = added else {
                    let until = self.clock.now() + chrono::Duration::days(1);
                    return match self.limits.gate(Limit::Tips, user, until) {
                        Gate::Quiet => Err(Failure::Quiet),
                        _ => Err(UserError::new(format!(
                            "Thank you for your {limit} tips in the last 24 hours. That is the \
                             most one member can share in a day, so this one was not kept; \
                             please share it again tomorrow."
                        ))
                        .into()),
                    };
                };
                tracing::info!(
                    tip = id,
                    topic = topic.code(),
                    status = status.code(),
                    "tip shared"
                );
                let (specialty, state) = self.store.profile(user).await?;
                let line = tips::author_line(
                    specialty.as_deref().and_then(from_code),
                    state.as_deref().and_then(from_code),
                );
                let shown_as = format!("Others see you as \"{line}\" (from your /profile).");
                match status {
                    TipStatus::Live => Reply::private(format!(
                        "Thank you: tip #{id} is live. See it: /tip show {id}"
                    ))
                    .text(shown_as),
                    _ => Reply::private(format!(
                        "Thank you: tip #{id} waits for a moderator, and goes live once they \
                         have looked at it."
                    ))
                    .text(shown_as),
                }
            }
            TipCommand::Show(id) => {
                let tip = self.visible_tip(actor, id, moderator).await?;
                tips::show_reply(&tip, moderator)
            }
            TipCommand::Helpful(id) => self.vote(actor, id).await?,
            TipCommand::Save(id) | TipCommand::Unsave(id) => {
                let save = matches!(command, TipCommand::Save(_));
                match self.store.save_tip(id, &community, user, save, now).await? {
                    TipMark::NoSuchTip => return Err(no_such_tip(id)),
                    TipMark::Done if save => Reply::private(format!(
                        "Saved tip #{id}. /tips saved shows your list, only to you."
                    )),
                    TipMark::Already if save => {
                        Reply::private(format!("Tip #{id} is in your saved list already."))
                    }
                    TipMark::Done => Reply::private(format!("Tip #{id} is off your saved list.")),
                    TipMark::Already => Reply::private(format!(
                        "Tip #{id} was not in your saved list; nothing changed."
                    )),
                }
            }
            TipCommand::Report { id, reason } => {
                refuse_patient_info("reason", Some(&reason))?;
                let hide = self.settings.tips.moderation(&community) == Moderation::After;
                match self
                    .store
                    .report_tip(id, &community, &actor.member, &reason, hide, now)
                    .await?
                {
                    TipMark::NoSuchTip => return Err(no_such_tip(id)),
                    TipMark::Already => Reply::private(format!(
                        "You reported tip #{id} already; it is with the moderators. Nothing new \
                         was reported."
                    )),
                    TipMark::Done => {
                        tracing::info!(tip = id, "tip reported");
                        Reply::private(format!(
                            "Thanks, the moderators will look at tip #{id}.{}",
                            if hide {
                                " It is hidden until they decide."
                            } else {
                                ""
                            }
                        ))
                    }
                }
            }
            TipCommand::Approve(id) | TipCommand::Remove(id) => {
                let status = if matches!(command, TipCommand::Approve(_)) {
                    TipStatus::Live
                } else {
                    TipStatus::Removed
                };
                if !self.store.decide_tip(id, status, user, now).await? {
                    return Err(no_such_tip(id));
                }
                tracing::info!(tip = id, status = status.code(), "tip decided");
                Reply::private(match status {
                    TipStatus::Live => format!("Tip #{id} is live; its reports are closed."),
                    _ => format!("Tip #{id} is removed and no longer shown anywhere."),
                })
            }
        };
        Ok(vec![Outgoing::Reply(reply)])
    }

    /// A tip the actor may see: live here, or their own, or any for a moderator.
    async fn visible_tip(&self, actor: &Actor, id: i64, moderator: bool) -> Result<Tip, Failure> {
        let tip = if moderator {
            self.store.tip_by_id(id).await?
        } else {
            self.store.tip_in(id, &community_of(actor)).await?
        };
        let own = |t: &Tip| {
            t.author
                .as_deref()
                .is_some_and(|a| a.starts_with(&format!("{} (", actor.member.user)))
        };
        match tip {
            Some(t) if t.status == TipStatus::Live || moderator || own(&t) => Ok(t),
            _ => Err(no_such_tip(id)),
        }
    }

    /// One helpful vote (`/tip helpful ID`, or 👍 on a tip of the week).
    async fn vote(&self, actor: &Actor, id: i64) -> Result<Reply, Failure> {
        let community = community_of(actor);
        let user = &actor.member.user;
        let tip = self.store.tip_in(id, &community).await?;
        let Some(tip) = tip.filter(|t| t.status == TipStatus::Live) else {
            return Err(no_such_tip(id));
        };
        if tip
            .author
            .as_deref()
            .is_some_and(|a| a.starts_with(&format!("{user} (")))
        {
            return Err(UserError::new(format!(
                "Tip #{id} is your own, so it cannot get your vote; nothing was counted."
            ))
            .into());
        }
        let now = self.clock.now().timestamp();
        Ok(
            match self.store.vote_tip(id, &community, user, now).await? {
                TipMark::NoSuchTip => return Err(no_such_tip(id)),
                TipMark::Done => Reply::private(format!(
                    "Thanks: your vote for tip #{id} counts; helpful tips are listed first."
                )),
                TipMark::Already => Reply::private(format!(
                    "You found tip #{id} helpful already; each member counts once."
                )),
            },
        )
    }

    /// A 👍 on a tip of the week counts as a helpful vote. `None`: the post is not one.
    pub(super) async fn tip_reaction(
        &self,
        actor: &Actor,
        post: &str,
        emoji: &str,
        added: bool,
    ) -> Result<Option<Vec<Outgoing>>, Failure> {
        let Some(id) = self
            .store
            .weekly_tip_post(actor.member.user.platform, post)
            .await?
        else {
            return Ok(None);
        };
        if !added || !emoji.starts_with('👍') {
            return Ok(Some(Vec::new()));
        }
        let reply = self.vote(actor, id).await?;
        Ok(Some(vec![Outgoing::Reply(reply)]))
    }

    /// The tip that may follow a check-in answer in `community`: at most one, fitting the
    /// member's stress and profile, not shown to them in the last 8 weeks; none when they
    /// turned it off. Recorded as shown.
    pub(super) async fn checkin_tip(
        &self,
        actor: &Actor,
        community: &str,
        stressed: bool,
    ) -> Result<Option<String>, Failure> {
        let user = &actor.member.user;
        if !self.store.checkin_tips_on(user).await? {
            return Ok(None);
        }
        let now = self.clock.now().timestamp();
        let since = now - tips::CHECKIN_REPEAT_WEEKS * 7 * 24 * 3600;
        let candidates = self
            .store
            .checkin_tip_candidates(user, community, since)
            .await?;
        let (specialty, _) = self.store.profile(user).await?;
        let roles: Vec<&str> = match specialty.as_deref().and_then(from_code::<Specialty>) {
            Some(Specialty::Phlebotomy) => vec!["phlebotomy"],
            Some(Specialty::Mls) => vec!["mls"],
            Some(Specialty::Mlt) => vec!["mlt"],
            Some(Specialty::Histotechnology) => vec!["histotechnology"],
            Some(Specialty::Cytotechnology) => vec!["cytotechnology"],
            Some(Specialty::LabManagement) => vec!["manager"],
            Some(Specialty::Microbiology) => vec!["microbiology"],
            Some(Specialty::BloodBank) => vec!["blood-bank"],
            Some(Specialty::Molecular) => vec!["molecular"],
            Some(Specialty::Chemistry) => vec!["chemistry"],
            Some(Specialty::Hematology) => vec!["hematology"],
            _ => Vec::new(),
        };
        let context = CheckinContext { stressed };
        // The best fit; among equals, the better ranked (candidates come best first).
        let best = candidates
            .iter()
            .filter_map(|t| tips::checkin_fit(t, context, &roles).map(|fit| (fit, t)))
            .rev()
            .max_by_key(|(fit, _)| *fit)
            .map(|(_, t)| t);
        let Some(tip) = best else {
            return Ok(None);
        };
        self.store.tip_shown(tip.id, user, now).await?;
        Ok(Some(tips::checkin_text(tip)))
    }

    /// `/checkin settings tips:on|off`.
    pub(super) async fn set_checkin_tips(&self, actor: &Actor, on: bool) -> Result<(), Failure> {
        let now = self.clock.now().timestamp();
        Ok(self
            .store
            .set_checkin_tips(&actor.member.user, on, now)
            .await?)
    }

    /// The check-in settings' line about the tip after answers.
    pub(super) async fn checkin_tips_field(
        &self,
        actor: &Actor,
    ) -> Result<(String, String), Failure> {
        let on = self.store.checkin_tips_on(&actor.member.user).await?;
        Ok((
            "Tip after answers".to_owned(),
            if on { "on" } else { "off" }.to_owned(),
        ))
    }

    /// `reply` (the review queue) with the tips waiting for a moderator after it.
    pub(super) async fn with_tips_for_review(&self, reply: Reply) -> Result<Reply, Failure> {
        let waiting = self.store.tips_for_review().await?;
        if waiting.is_empty() {
            return Ok(reply);
        }
        let items: Vec<Item> = waiting
            .iter()
            .map(|w| {
                let mut item = tips::item(&w.tip, true);
                for r in &w.reports {
                    item.lines.push(format!(
                        "reported: {}",
                        crate::domain::mentions::neutralize(r)
                    ));
                }
                item
            })
            .collect();
        Ok(reply
            .text(format!(
                "{} tip{} waiting for a moderator (/tip approve ID · /tip remove ID)",
                items.len(),
                if items.len() == 1 { "" } else { "s" }
            ))
            .block(Block::Items {
                first_number: 1,
                items,
            }))
    }
}
