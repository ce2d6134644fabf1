//! The directory: searching it, its moderators keeping it, members suggesting entries and
//! moderators reviewing the suggestions. Who may do what is checked before any of this runs
//! (`Bot::permitted`: the moderators are named in the configuration, not community admins).

use std::sync::Arc;
use std::sync::PoisonError;
use std::time::{Duration, Instant};

use super::limits::{Gate, Limit};
use super::{Bot, Failure, Handled, refuse_patient_info};
use crate::domain::command::{DirectoryCommand, UserError};
use crate::domain::directory::{Draft, Entry, Field, Raw, slugify};
use crate::domain::identity::{Actor, Member};
use crate::domain::link_status::DeadLinks;
use crate::domain::listing;
use crate::domain::notices::Notice;
use crate::domain::reply::{Block, Item, Outgoing, Reply};
use crate::domain::safety;
use crate::domain::search::{MAX_QUERY_CHARS, PAGE_SIZE, SearchQuery};
use crate::domain::search_index::SearchIndex;
use crate::domain::vocab::from_code;
use crate::store::{StoreError, SuggestionStatus};
/// How long a search index and the dead links are trusted before the database is asked whether
/// another process changed the directory or recorded a link check. This process's own writes
/// are noticed at once.
const INDEX_RECHECK: Duration = Duration::from_secs(1);

/// The search index and the links the link check found dead, and what they were built from.
#[derive(Debug)]
pub(super) struct BuiltIndex {
    index: Arc<SearchIndex>,
    dead: Arc<DeadLinks>,
    /// `(directory, link checks)` versions in the database.
    versions: (i64, i64),
    /// `(directory, link checks)` writes through this process's store.
    local_writes: (u64, u64),
    checked: Instant,
}

/// What a search shows: the index, and the links not to offer.
#[derive(Debug, Clone)]
pub(super) struct DirectoryView {
    pub index: Arc<SearchIndex>,
    pub dead: Arc<DeadLinks>,
}

impl Bot {
    pub(super) async fn directory(&self, actor: &Actor, command: DirectoryCommand) -> Handled {
        let reply = match command {
            // Words of suicide or self-harm typed into a search are answered as in a private
            // chat: the lines first, privately.
            DirectoryCommand::FindGroup { query, .. }
                if safety::mentions_self_harm(&query.text) =>
            {
                safety::crisis_first_reply()
            }
            DirectoryCommand::FindGroup { query, page } => {
                self.find_group(actor, *query, page, false).await?
            }
            DirectoryCommand::Show(key) => self.show_group(&key).await?,
            DirectoryCommand::Add(draft) => self.add_group(&draft).await?,
            DirectoryCommand::Edit(key, changes) => self.edit_group(&key, &changes).await?,
            DirectoryCommand::Remove(key) => self.remove_group(&key).await?,
            DirectoryCommand::Suggest { draft, note } => {
                self.suggest(actor, &draft, note.as_deref()).await?
            }
            DirectoryCommand::ReviewList => self.review_list().await?,
            DirectoryCommand::ReviewApprove { id, draft } => {
                return self.approve(actor, id, draft).await;
            }
            DirectoryCommand::ReviewReject { id, reason } => {
                return self.reject(actor, id, &reason).await;
            }
            DirectoryCommand::Report {
                key,
                reason,
                details,
            } => return self.report(actor, &key, reason, details.as_deref()).await,
            DirectoryCommand::ReviewReport { key, outcome, note } => {
                return self
                    .resolve_reports(actor, &key, outcome, note.as_deref())
                    .await;
            }
        };
        Ok(vec![Outgoing::Reply(reply)])
    }

    /// The directory's search index, rebuilt when the directory changed.
    pub(super) async fn index(&self) -> Result<Arc<SearchIndex>, StoreError> {
        Ok(self.directory_view().await?.index)
    }

    /// Links the link check found dead, read again when a check or the directory changed.
    pub(super) async fn dead_links(&self) -> Result<Arc<DeadLinks>, StoreError> {
        Ok(self.directory_view().await?.dead)
    }

    /// The search index and the dead links, kept in memory: rebuilt at once after this
    /// process's own writes, and after another process's within [`INDEX_RECHECK`].
    pub(super) async fn directory_view(&self) -> Result<DirectoryView, StoreError> {
        let local_writes = (
            self.store.local_directory_writes(),
            self.store.local_link_check_writes(),
        );
        let view = |built: &BuiltIndex| DirectoryView {
            index: built.index.clone(),
            dead: built.dead.clone(),
        };
        {
            let cache = self.index.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(built) = cache.as_ref()
                && built.local_writes == local_writes
                && built.checked.elapsed() < INDEX_RECHECK
            {
                return Ok(view(built));
            }
        }
        let time_only = {
            let mut cache = self.index.write().unwrap_or_else(PoisonError::into_inner);
            match cache.as_mut() {
                Some(built) if built.local_writes == local_writes => {
                    if built.checked.elapsed() < INDEX_RECHECK {
                        return Ok(view(built));
                    }
                    // Only time passed: one request asks the database, the others meanwhile
                    // use what is built (a second old at most) instead of all asking at once.
                    built.checked = Instant::now();
                    true
                }
                _ => false,
            }
        };
        // Nothing built yet, or this process wrote: the requests in flight take turns, and
        // those that waited use what the first one built (at the start, or after a
        // moderator's edit, 200 visitors would otherwise each rebuild the index).
        let _turn = self.index_turn.lock().await;
        if !time_only {
            let local_writes = (
                self.store.local_directory_writes(),
                self.store.local_link_check_writes(),
            );
            let cache = self.index.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(built) = cache.as_ref()
                && built.local_writes == local_writes
                && built.checked.elapsed() < INDEX_RECHECK
            {
                return Ok(view(built));
            }
        }
        let versions = self.store.cache_versions().await?;
        let kept_index = {
            let mut cache = self.index.write().unwrap_or_else(PoisonError::into_inner);
            match cache.as_mut() {
                Some(built) if built.local_writes == local_writes && built.versions == versions => {
                    return Ok(view(built));
                }
                // Only the link check moved: the index stands, the dead links are read again.
                Some(built)
                    if built.local_writes.0 == local_writes.0 && built.versions.0 == versions.0 =>
                {
                    Some(built.index.clone())
                }
                _ => None,
            }
        };
        // Versions and write counts were read before the data: a write in between makes the
        // next call read again, never serve stale results for long.
        let index = match kept_index {
            Some(index) => index,
            None => Arc::new(SearchIndex::build(self.store.all_groups().await?)),
        };
        let dead = Arc::new(self.store.dead_links().await?);
        let mut cache = self.index.write().unwrap_or_else(PoisonError::into_inner);
        let built = BuiltIndex {
            index,
            dead,
            versions,
            local_writes,
            checked: Instant::now(),
        };
        let shown = view(&built);
        *cache = Some(built);
        Ok(shown)
    }

    /// A search, ranked for the member asking: their profile's state counts with the national
    /// entries, and today's date tells recently checked entries from stale ones.
    async fn find_group(
        &self,
        actor: &Actor,
        mut query: SearchQuery,
        page: u32,
        in_words: bool,
    ) -> Result<Reply, Failure> {
        let (_, state) = self.store.profile(&actor.member.user).await?;
        query.home_state = state.as_deref().and_then(from_code);
        query.today = Some(self.clock.now().date_naive());
        let DirectoryView { index, dead } = self.directory_view().await?;
        let offset = (page - 1) * PAGE_SIZE;
        let found = index.search(&query, offset as usize, PAGE_SIZE as usize);
        if found.total == 0 {
            return Ok(listing::no_results(&index, &query, &dead));
        }
        Ok(listing::results_page(
            &query,
            page,
            found.total,
            &found.entries,
            in_words,
            &dead,
        )?)
    }

    /// Something a member wrote in their own words ("I need help", "sad", "night shift
    /// phlebotomist in Texas"). Words of suicide or self-harm are answered first, with the
    /// lines to reach someone now; anything else is searched as it was understood.
    pub(super) async fn sentence(&self, actor: &Actor, text: &str) -> Handled {
        let text = text.trim().trim_start_matches('/').trim();
        if safety::mentions_self_harm(text) {
            return Ok(vec![Outgoing::Reply(safety::crisis_first_reply())]);
        }
        // A long message is still read: its first words carry the request.
        let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
        let query = SearchQuery::words(&text);
        if query.terms.is_empty() && query.wants.is_empty() {
            return Ok(vec![Outgoing::Reply(listing::how_to_ask())]);
        }
        let reply = self.find_group(actor, query, 1, true).await?;
        Ok(vec![Outgoing::Reply(reply)])
    }

    async fn show_group(&self, key: &str) -> Result<Reply, Failure> {
        let entry = self.existing(key).await?;
        let dead = self.dead_links().await?;
        Ok(listing::entry_reply_checked(
            &entry,
            Some(self.clock.now().date_naive()),
            dead.checked_on(&entry.key),
        ))
    }

    pub(super) async fn existing(&self, key: &str) -> Result<Entry, Failure> {
        self.store.group(key).await?.ok_or_else(|| {
            UserError::new(format!(
                "No entry has the key {key}. Keys are shown under each /findgroup result."
            ))
            .into()
        })
    }

    async fn add_group(&self, draft: &Draft) -> Result<Reply, Failure> {
        let mut draft = draft.clone();
        self.resolve_today(&mut draft);
        let entry =
            Entry::from_draft(&draft).map_err(|e| invalid("The entry was not added", &e))?;
        if !self.store.add_group(&entry).await? {
            return Err(UserError::new(format!(
                "An entry with the key {} exists already; nothing was changed. Give another \
                 key:, or change that one with /group edit {}.",
                entry.key, entry.key
            ))
            .into());
        }
        Ok(
            Reply::channel(format!("Added {} to the directory.", entry.name))
                .footer(format!("See it: /group show {}", entry.key)),
        )
    }

    async fn edit_group(&self, key: &str, changes: &Draft) -> Result<Reply, Failure> {
        let before = self.existing(key).await?;
        let mut changes = changes.clone();
        self.resolve_today(&mut changes);
        let mut draft = before.to_draft();
        for (field, value) in &changes {
            if value == &Raw::Text(String::new()) {
                draft.remove(field);
            } else {
                draft.insert(*field, value.clone());
            }
        }
        // A new check date without a way says the organisation's own page was looked at.
        if changes.contains_key(&Field::LastChecked) && !changes.contains_key(&Field::CheckedHow) {
            draft.remove(&Field::CheckedHow);
        }
        // New contact details nobody has confirmed: the old check date no longer vouches for
        // them.
        let old = before.to_draft();
        let unconfirmed: Vec<&str> = [Field::Url, Field::Contact, Field::Schedule]
            .into_iter()
            .filter(|f| changes.contains_key(f) && old.get(f) != draft.get(f))
            .map(Field::name)
            .collect();
        let reset = !unconfirmed.is_empty()
            && !changes.contains_key(&Field::LastChecked)
            && draft.contains_key(&Field::LastChecked);
        if reset {
            draft.remove(&Field::LastChecked);
            draft.remove(&Field::CheckedHow);
        }
        let after =
            Entry::from_draft(&draft).map_err(|e| invalid("The entry was not changed", &e))?;
        let changed: Vec<&str> = Field::ALL
            .iter()
            .filter(|f| old.get(f) != after.to_draft().get(f))
            .map(|f| f.name())
            .collect();
        if changed.is_empty() {
            return Ok(Reply::channel(format!(
                "Nothing to change: {key} already has those values."
            )));
        }
        if !self.store.replace_group(key, &after).await? {
            return Err(UserError::new(format!(
                "The key {} is taken by another entry; nothing was changed.",
                after.key
            ))
            .into());
        }
        let mut reply = Reply::channel(format!("Updated {}: {}.", after.key, changed.join(", ")));
        if reset {
            reply = reply.text(format!(
                "last_checked was cleared because {} changed and the edit did not confirm a \
                 check; once you have confirmed the new details, add checked:today.",
                unconfirmed.join(", ")
            ));
        }
        Ok(reply.footer(format!("See it: /group show {}", after.key)))
    }

    /// `last_checked:today` (or `checked:today`) means the bot's today.
    fn resolve_today(&self, draft: &mut Draft) {
        if let Some(Raw::Text(text)) = draft.get(&Field::LastChecked)
            && text.trim().eq_ignore_ascii_case("today")
        {
            let today = self.clock.now().date_naive();
            draft.insert(
                Field::LastChecked,
                Raw::Text(today.format("%Y-%m-%d").to_string()),
            );
        }
    }

    async fn remove_group(&self, key: &str) -> Result<Reply, Failure> {
        let entry = self.existing(key).await?;
        self.store.remove_group(key).await?;
        Ok(Reply::channel(format!(
            "Removed {} ({}) from the directory.",
            entry.name, entry.key
        )))
    }

    async fn suggest(
        &self,
        actor: &Actor,
        draft: &Draft,
        note: Option<&str>,
    ) -> Result<Reply, Failure> {
        refuse_patient_info("note", note)?;
        // The free text of a suggestion is read by moderators and, once approved, by everyone.
        for field in [Field::Name, Field::Description, Field::Schedule] {
            if let Some(Raw::Text(text)) = draft.get(&field) {
                refuse_patient_info(field.name(), Some(text))?;
            }
        }
        // Check the fields the member gave; the rest (key, kind, …) a moderator fills in at review.
        let mut trial = draft.clone();
        let placeholders = [
            (Field::Key, "placeholder"),
            (Field::Kind, "association"),
            (Field::Specialties, "all"),
            (Field::Format, "online"),
            (Field::Cost, "free"),
            (Field::Facilitation, "none"),
        ];
        for (field, value) in placeholders {
            trial
                .entry(field)
                .or_insert_with(|| Raw::Text(value.to_owned()));
        }
        if let Err(errors) = Entry::from_draft(&trial) {
            let given: Vec<_> = errors
                .into_iter()
                .filter(|e| draft.contains_key(&e.field))
                .collect();
            if !given.is_empty() {
                return Err(invalid("The suggestion was not sent", &given).into());
            }
        }
        let now = self.clock.now();
        let most = self.settings.limits.suggestions_per_day;
        let Some(id) = self
            .store
            .add_suggestion_within(&actor.member, draft, note, now, most)
            .await?
        else {
            let user = &actor.member.user;
            let until = (self.store.suggestions_reopen(user, now).await?)
                .unwrap_or(now + chrono::Duration::days(1));
            return match self.limits.gate(Limit::Suggestions, user, until) {
                Gate::Quiet => Err(Failure::Quiet),
                _ => Ok(Reply::private(format!(
                    "Thank you for your {most} suggestions in the last 24 hours. That is the most \
                     one member can send, so this one was not kept; you can suggest again from \
                     {}. Until then I won't answer more suggestions.",
                    crate::domain::weekly::local_label(until, self.settings.default_zone)
                ))),
            };
        };
        Ok(Reply::private(format!(
            "Thank you: your suggestion is #{id} in the review queue."
        ))
        .text(
            "A directory moderator will look at it; you will hear from me privately when it is approved or \
             turned down.",
        ))
    }

    async fn review_list(&self) -> Result<Reply, Failure> {
        let pending = self.store.pending_suggestions().await?;
        if pending.is_empty() {
            return self
                .with_reports(Reply::private("No suggestions are waiting for review."))
                .await;
        }
        let items = pending
            .iter()
            .map(|s| {
                let text = |f: Field| match s.draft.get(&f) {
                    Some(Raw::Text(t)) => t.clone(),
                    Some(Raw::List(l)) => l.join(", "),
                    Some(Raw::Bool(b)) => b.to_string(),
                    None => String::new(),
                };
                let missing: Vec<&str> = [
                    Field::Kind,
                    Field::Specialties,
                    Field::Format,
                    Field::Cost,
                    Field::Facilitation,
                ]
                .into_iter()
                .filter(|f| !s.draft.contains_key(f))
                .map(Field::name)
                .collect();
                let mut lines = vec![text(Field::Description)];
                let given: Vec<String> = s
                    .draft
                    .iter()
                    .filter(|(f, _)| !matches!(f, Field::Name | Field::Url | Field::Description))
                    .map(|(f, _)| format!("{f}: {}", text(*f)))
                    .collect();
                if !given.is_empty() {
                    lines.push(given.join("; "));
                }
                if let Some(note) = &s.note {
                    lines.push(format!("Note: {note}"));
                }
                if !missing.is_empty() {
                    lines.push(format!("To add when approving: {}", missing.join(", ")));
                }
                Item {
                    title: format!("#{} {}", s.id, text(Field::Name)),
                    subtitle: format!(
                        "suggested by {} on {}",
                        s.by.display_name,
                        s.created_at.get(..10).unwrap_or(&s.created_at)
                    ),
                    lines,
                    link: s.draft.get(&Field::Url).map(|_| text(Field::Url)),
                }
            })
            .collect();
        let reply = Reply::private(format!(
            "{} suggestion(s) waiting for review",
            pending.len()
        ))
        .block(Block::Items {
            first_number: 1,
            items,
        })
        .footer("/review approve ID [field:value …]  ·  /review reject ID reason:…");
        self.with_reports(reply).await
    }

    async fn pending(&self, id: i64) -> Result<crate::store::Suggestion, Failure> {
        let Some(s) = self.store.suggestion(id).await? else {
            return Err(UserError::new(format!(
                "There is no suggestion #{id}. /review list shows the pending ones."
            ))
            .into());
        };
        if s.status != SuggestionStatus::Pending {
            let what = if s.status == SuggestionStatus::Approved {
                "approved"
            } else {
                "turned down"
            };
            return Err(UserError::new(format!("Suggestion #{id} was already {what}.")).into());
        }
        Ok(s)
    }

    async fn approve(&self, actor: &Actor, id: i64, overrides: Draft) -> Handled {
        let suggestion = self.pending(id).await?;
        let mut draft = suggestion.draft.clone();
        draft.extend(overrides);
        self.resolve_today(&mut draft);
        if !draft.contains_key(&Field::Key) {
            let name = match draft.get(&Field::Name) {
                Some(Raw::Text(n)) => n.clone(),
                _ => String::new(),
            };
            draft.insert(Field::Key, Raw::Text(self.free_key(&slugify(&name)).await?));
        }
        let entry = Entry::from_draft(&draft).map_err(|e| {
            let mut failure = invalid(&format!("Suggestion #{id} can't be approved yet"), &e);
            failure.0.push_str(&format!(
                "\nGive what is missing: /review approve {id} kind:… specialty:… format:… \
                 cost:… facilitation:…"
            ));
            failure
        })?;
        if !self
            .store
            .approve_suggestion(id, &entry, &actor.member.user)
            .await?
        {
            return Err(UserError::new(format!(
                "Suggestion #{id} was not approved: the key {} is taken (give another key:) or \
                 it was decided meanwhile. Nothing was changed.",
                entry.key
            ))
            .into());
        }
        self.tell_decision(&suggestion.by, id).await?;
        Ok(vec![Outgoing::Reply(
            Reply::private(format!(
                "Approved #{id}: {} is now in the directory.",
                entry.name
            ))
            .footer(format!("See it: /group show {}", entry.key)),
        )])
    }

    async fn reject(&self, actor: &Actor, id: i64, reason: &str) -> Handled {
        refuse_patient_info("reason", Some(reason))?;
        let suggestion = self.pending(id).await?;
        if !self
            .store
            .reject_suggestion(id, reason, &actor.member.user)
            .await?
        {
            return Err(UserError::new(format!("Suggestion #{id} was decided meanwhile.")).into());
        }
        self.tell_decision(&suggestion.by, id).await?;
        Ok(vec![Outgoing::Reply(Reply::private(format!(
            "Turned down #{id}; the member is told why."
        )))])
    }

    /// Queues the decision on suggestion `id` for the member who made it, through the outbox
    /// (retried until it arrives; rendered from the suggestion when sent).
    async fn tell_decision(&self, to: &Member, id: i64) -> Result<(), StoreError> {
        self.store
            .queue_notice(
                &format!("suggestion:{id}"),
                to,
                Notice::SuggestionDecided { suggestion: id },
                self.now(),
            )
            .await
    }

    /// `base`, or `base-2`, `base-3`, … whichever no entry uses yet.
    async fn free_key(&self, base: &str) -> Result<String, StoreError> {
        let mut candidate = base.to_owned();
        let mut n = 2;
        while self.store.group(&candidate).await?.is_some() {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        Ok(candidate)
    }
}

fn invalid(what: &str, errors: &[crate::domain::directory::FieldError]) -> UserError {
    let list: Vec<String> = errors.iter().map(|e| format!("- {e}")).collect();
    UserError::new(format!("{what}; nothing was changed:\n{}", list.join("\n")))
}
