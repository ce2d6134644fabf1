//! A member's own account: the optional profile, and seeing or deleting what the bot holds
//! about them. Every reply here is private.

use super::{Bot, Failure, Handled};
use crate::domain::command::AccountCommand;
use crate::domain::identity::Actor;
use crate::domain::my_data::{self, MemberData};
use crate::domain::reply::{Block, Outgoing, Reply};
use crate::domain::vocab::{Specialty, State, Vocab};

impl Bot {
    pub(super) async fn account(&self, actor: &Actor, command: AccountCommand) -> Handled {
        let reply = match command {
            AccountCommand::Profile { specialty, state } => {
                self.profile(actor, specialty, state).await?
            }
            AccountCommand::MyData => self.my_data(actor).await?,
            AccountCommand::ForgetMe {
                confirmed,
                keep_tips,
            } => {
                return self.forget_me(actor, confirmed, keep_tips).await;
            }
        };
        Ok(vec![Outgoing::Reply(reply)])
    }

    async fn profile(
        &self,
        actor: &Actor,
        specialty: Option<Option<Specialty>>,
        state: Option<Option<State>>,
    ) -> Result<Reply, Failure> {
        let (old_specialty, old_state) = self.store.profile(&actor.member.user).await?;
        let specialty = match specialty {
            Some(s) => s.map(|s| s.code().to_owned()),
            None => old_specialty,
        };
        let state = match state {
            Some(s) => s.map(|s| s.code().to_owned()),
            None => old_state,
        };
        self.store
            .save_profile(
                &actor.member.user,
                specialty.as_deref(),
                state.as_deref(),
                self.clock.now().timestamp(),
            )
            .await?;
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "not given".to_owned());
        Ok(
            Reply::private("Your profile (used only to suggest peer groups)").block(Block::Fields(
                vec![
                    ("Specialty".into(), show(&specialty)),
                    ("State".into(), show(&state)),
                ],
            )),
        )
    }

    /// `/mydata`: a readable summary in the member's zone, and everything in full as a file.
    async fn my_data(&self, actor: &Actor) -> Result<Reply, Failure> {
        let user = &actor.member.user;
        let mut tables = self.store.member_rows(user).await?;
        for (_, rows) in &mut tables {
            for row in rows {
                self.open_note(row);
            }
        }
        let data = MemberData {
            tables,
            organised: self.store.meetups_organised_by(user).await?,
            rsvps: self.store.meetups_answered_by(user).await?,
        };
        let zone = data.zone().unwrap_or(self.settings.default_zone);
        Ok(my_data::reply(&data, zone))
    }

    /// Notes are shown decrypted to their owner, never as ciphertext.
    fn open_note(&self, row: &mut serde_json::Map<String, serde_json::Value>) {
        let Some(serde_json::Value::Array(bytes)) = row.get("note") else {
            return;
        };
        let sealed: Vec<u8> = bytes
            .iter()
            .filter_map(|b| b.as_u64())
            .map(|b| b as u8)
            .collect();
        let field = |name: &str| row.get(name).and_then(|v| v.as_str()).unwrap_or_default();
        let place = crate::notes::NotePlace {
            platform: field("platform"),
            user_id: field("user_id"),
            community: field("community"),
            week: field("week"),
        };
        let text = self
            .settings
            .note_key
            .as_ref()
            .and_then(|k| k.open(&sealed, &place))
            .unwrap_or_else(|| "(kept locked; this server cannot open it)".into());
        row.insert("note".into(), serde_json::Value::from(text));
    }

    async fn forget_me(&self, actor: &Actor, confirmed: bool, keep_tips: Option<bool>) -> Handled {
        let written = self.store.tips_written(&actor.member.user).await?;
        // A member who wrote tips chooses what becomes of them before anything is deleted.
        let tips_question = (written > 0).then(|| {
            format!(
                "You wrote {written} tip{s}. Say what becomes of {them}: /forgetme confirm \
                 tips:delete deletes {them}; /forgetme confirm tips:keep keeps {them} for others \
                 without your name.",
                s = if written == 1 { "" } else { "s" },
                them = if written == 1 { "it" } else { "them" },
            )
        });
        if confirmed
            && keep_tips.is_none()
            && let Some(question) = &tips_question
        {
            return Ok(vec![Outgoing::Reply(
                Reply::private("Nothing is deleted yet: one question first.")
                    .text(question.clone()),
            )]);
        }
        if !confirmed {
            let mut reply =
                Reply::private("This would delete everything labcircle stores about you.").text(
                    "That is your check-in schedule and answers (with notes), your profile, your \
                 meetup answers, new-meetup and new-event notices, your pairing settings and \
                 introductions, your directory suggestions and reports, your saved tips and helpful votes, and any messages waiting for \
                 you. Check-ins stop, and it cannot be undone. To go ahead: /forgetme confirm",
                );
            if let Some(question) = tips_question {
                reply = reply.text(question);
            }
            return Ok(vec![Outgoing::Reply(reply)]);
        }
        let turn = self.rsvp_turn.lock().await;
        let meetups = self.store.meetups_with_rsvp(&actor.member.user).await?;
        let mut deleted = 0;
        if keep_tips == Some(false) {
            deleted += self.store.delete_tips_by(&actor.member.user).await?;
        }
        deleted += self.store.forget_member(&actor.member.user).await?;
        // Their RSVPs are gone from the database; cached rosters must not bring them back.
        self.forget_rosters(None);
        drop(turn);
        let mut out = vec![Outgoing::Reply(
            Reply::private(format!(
                "Done: {deleted} record{} about you deleted, and check-ins stopped.",
                if deleted == 1 { "" } else { "s" }
            ))
            .text("Nothing about you is left in labcircle's database."),
        )];
        // A place they held goes to the first on the waitlist.
        for id in meetups {
            out.extend(self.fill_places(id).await?);
        }
        Ok(out)
    }
}
