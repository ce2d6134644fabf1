//! A stand-in for the pairing matcher (the real one replaces this file): pairs peers in the
//! order given and each mentee with the first mentor who has room. Same interface.

/// The store's participant row id.
pub type Pid = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Peer,
    Mentor,
    Mentee,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shift {
    Day,
    Evening,
    Night,
    Rotating,
}

#[derive(Debug, Clone)]
pub struct Participant {
    pub id: Pid,
    pub role: Role,
    pub specialty: Option<String>,
    pub state: Option<String>,
    pub shift: Option<Shift>,
    pub interests: Vec<String>,
    pub capacity: u8,
    pub left_out_last_round: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shared {
    Specialty(String),
    Shift(Shift),
    State(String),
    Interest(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub members: Vec<Pid>,
    pub mentor: Option<Pid>,
    pub shared: Vec<Shared>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftOut {
    NoPartner,
    NoMentorInSpecialty,
    OnlyRecentPartners,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub groups: Vec<Group>,
    pub left_out: Vec<(Pid, LeftOut)>,
    pub mentors_unused: Vec<Pid>,
}

fn shared(a: &Participant, b: &Participant) -> Vec<Shared> {
    let mut s = Vec::new();
    if a.specialty.is_some() && a.specialty == b.specialty {
        s.push(Shared::Specialty(a.specialty.clone().unwrap_or_default()));
    }
    if let (Some(x), Some(y)) = (a.shift, b.shift)
        && x == y
    {
        s.push(Shared::Shift(x));
    }
    if a.state.is_some() && a.state == b.state {
        s.push(Shared::State(a.state.clone().unwrap_or_default()));
    }
    for i in &a.interests {
        if b.interests.contains(i) {
            s.push(Shared::Interest(i.clone()));
        }
    }
    s
}

/// `recent(a, b)`: true when a and b were paired within six months (either order).
pub fn plan(participants: &[Participant], recent: &dyn Fn(Pid, Pid) -> bool, _seed: u64) -> Plan {
    let mut out = Plan::default();
    let mut peers: Vec<&Participant> = participants
        .iter()
        .filter(|p| p.role == Role::Peer)
        .collect();
    peers.sort_by_key(|p| !p.left_out_last_round);
    let mut used = vec![false; peers.len()];
    for i in 0..peers.len() {
        if used[i] {
            continue;
        }
        let partner = (i + 1..peers.len()).find(|&j| !used[j] && !recent(peers[i].id, peers[j].id));
        match partner {
            Some(j) => {
                used[i] = true;
                used[j] = true;
                out.groups.push(Group {
                    members: vec![peers[i].id, peers[j].id],
                    mentor: None,
                    shared: shared(peers[i], peers[j]),
                });
            }
            None => {
                used[i] = true;
                let trio = out.groups.iter_mut().find(|g| {
                    g.mentor.is_none()
                        && g.members.len() == 2
                        && g.members.iter().all(|m| !recent(*m, peers[i].id))
                });
                match trio {
                    Some(g) => g.members.push(peers[i].id),
                    None => out.left_out.push((peers[i].id, LeftOut::NoPartner)),
                }
            }
        }
    }
    let mut mentors: Vec<(&Participant, u8)> = participants
        .iter()
        .filter(|p| p.role == Role::Mentor)
        .map(|p| (p, p.capacity.max(1)))
        .collect();
    for mentee in participants.iter().filter(|p| p.role == Role::Mentee) {
        let found = mentors.iter_mut().find(|(m, room)| {
            *room > 0
                && (mentee.specialty.is_none() || m.specialty == mentee.specialty)
                && !recent(m.id, mentee.id)
        });
        match found {
            Some((m, room)) => {
                *room -= 1;
                out.groups.push(Group {
                    members: vec![m.id, mentee.id],
                    mentor: Some(m.id),
                    shared: shared(m, mentee),
                });
            }
            None => out.left_out.push((mentee.id, LeftOut::NoMentorInSpecialty)),
        }
    }
    for (m, room) in mentors {
        if room == m.capacity.max(1) {
            out.mentors_unused.push(m.id);
        }
    }
    out
}
