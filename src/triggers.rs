//! The DocSpace event triggers, and the int64 bitmask the API speaks (`0`: every event, present
//! and future; docs/docspace-api.md §7). The one map between names and bits, so the loader, the
//! planner, the renderers and the fake portal cannot disagree.

use std::fmt;

/// One event the portal can deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    /// The payload name (`file.uploaded`), the one DocSpace shows and delivers.
    pub name: &'static str,
    /// The C# enum member (`FileUploaded`), accepted as an alias in the file.
    pub variant: &'static str,
    pub bit: u64,
}

const fn t(name: &'static str, variant: &'static str, bit: u32) -> Trigger {
    Trigger {
        name,
        variant,
        bit: 1 << bit,
    }
}

/// Every trigger of DocSpace 3.7, in the server's `[Order]` (the order `GET .../triggers` and
/// the web UI use), which is also the order plans list them in.
pub const TRIGGERS: &[Trigger] = &[
    t("user.created", "UserCreated", 0),
    t("user.invited", "UserInvited", 1),
    t("user.updated", "UserUpdated", 2),
    t("user.deleted", "UserDeleted", 3),
    t("group.created", "GroupCreated", 4),
    t("group.updated", "GroupUpdated", 5),
    t("group.deleted", "GroupDeleted", 6),
    t("file.created", "FileCreated", 7),
    t("file.uploaded", "FileUploaded", 8),
    t("file.updated", "FileUpdated", 9),
    t("file.trashed", "FileTrashed", 10),
    t("file.deleted", "FileDeleted", 11),
    t("file.restored", "FileRestored", 12),
    t("file.copied", "FileCopied", 13),
    t("file.moved", "FileMoved", 14),
    t("file.downloaded", "FileDownloaded", 34),
    t("folder.created", "FolderCreated", 15),
    t("folder.updated", "FolderUpdated", 16),
    t("folder.trashed", "FolderTrashed", 17),
    t("folder.deleted", "FolderDeleted", 18),
    t("folder.restored", "FolderRestored", 19),
    t("folder.copied", "FolderCopied", 20),
    t("folder.moved", "FolderMoved", 21),
    t("folder.downloaded", "FolderDownloaded", 35),
    t("room.created", "RoomCreated", 22),
    t("room.updated", "RoomUpdated", 23),
    t("room.archived", "RoomArchived", 24),
    t("room.deleted", "RoomDeleted", 25),
    t("room.restored", "RoomRestored", 26),
    t("room.copied", "RoomCopied", 27),
    t("form.submit", "FormSubmit", 28),
    t("form.filled.out", "FormFilledOut", 29),
    t("form.stopped", "FormStopped", 30),
    t("agent.created", "AgentCreated", 31),
    t("agent.updated", "AgentUpdated", 32),
    t("agent.deleted", "AgentDeleted", 33),
];

/// The names that mean "every event": the payload name and the enum member of `0`.
pub const ALL_NAMES: [&str; 2] = ["*", "All"];

/// What one name in the file stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    All,
    One(&'static Trigger),
}

/// Reads one trigger name, either spelling, case-sensitively (the server's names are exact).
pub fn parse(name: &str) -> Option<Parsed> {
    if ALL_NAMES.contains(&name) {
        return Some(Parsed::All);
    }
    TRIGGERS
        .iter()
        .find(|t| t.name == name || t.variant == name)
        .map(Parsed::One)
}

/// A set of triggers as the server stores it. `0` is "all events", which is not the same as
/// naming every current trigger: it also covers triggers a later DocSpace adds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct TriggerSet(u64);

impl TriggerSet {
    pub const ALL: TriggerSet = TriggerSet(0);

    pub fn from_bits(bits: u64) -> Self {
        TriggerSet(bits)
    }

    /// The number sent to and read from the API.
    pub fn bits(self) -> u64 {
        self.0
    }

    pub fn is_all(self) -> bool {
        self.0 == 0
    }

    /// Builds a set from parsed names. Any `*` makes it "all"; an empty list is also "all",
    /// because the server reads `0` that way and offers no "nothing" subscription.
    pub fn from_parsed(names: impl IntoIterator<Item = Parsed>) -> Self {
        let bits = names.into_iter().try_fold(0, |bits, name| match name {
            Parsed::All => None,
            Parsed::One(t) => Some(bits | t.bit),
        });
        bits.map_or(TriggerSet::ALL, TriggerSet)
    }

    /// The bits this build has no trigger for (from a newer DocSpace); a file cannot name them.
    pub fn unknown_bits(self) -> u64 {
        let known: u64 = TRIGGERS.iter().map(|t| t.bit).fold(0, |a, b| a | b);
        self.0 & !known
    }

    /// The payload names in the server's order, `*` for "all". A bit this build does not know
    /// (a trigger from a newer DocSpace) is shown as `bit:N` rather than dropped, so a diff
    /// never hides it.
    pub fn names(self) -> Vec<String> {
        if self.is_all() {
            return vec!["*".to_string()];
        }
        let unknown = self.unknown_bits();
        let known = TRIGGERS.iter().filter(|t| self.0 & t.bit != 0);
        let unknown = (0..64).filter(|b| unknown & (1u64 << b) != 0);
        known
            .map(|t| t.name.to_string())
            .chain(unknown.map(|b| format!("bit:{b}")))
            .collect()
    }

    /// Names in `self` but not in `other`, treating "all" as the single name `*`.
    pub fn minus(self, other: TriggerSet) -> Vec<String> {
        let theirs = other.names();
        self.names()
            .into_iter()
            .filter(|n| !theirs.contains(n))
            .collect()
    }
}

impl fmt::Display for TriggerSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.names().join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_map_to_the_reference_bits() {
        let set = TriggerSet::from_parsed(
            ["file.uploaded", "RoomCreated"]
                .into_iter()
                .map(|n| parse(n).unwrap()),
        );
        assert_eq!(set.bits(), 256 | 4194304);
        assert_eq!(set.names(), ["file.uploaded", "room.created"]);
    }

    #[test]
    fn star_or_empty_means_all_events() {
        assert!(TriggerSet::from_parsed([parse("FileCreated").unwrap(), Parsed::All]).is_all());
        assert!(TriggerSet::from_parsed([]).is_all());
        assert_eq!(TriggerSet::ALL.names(), ["*"]);
    }

    #[test]
    fn high_bits_of_3_7_are_known_and_unknown_bits_are_kept() {
        assert_eq!(
            TriggerSet::from_bits(34359738368).names(),
            ["folder.downloaded"]
        );
        assert_eq!(TriggerSet::from_bits(1 << 40).names(), ["bit:40"]);
    }

    #[test]
    fn every_bit_is_distinct() {
        let all = TRIGGERS.iter().fold(0u64, |acc, t| {
            assert_eq!(acc & t.bit, 0, "{} reuses a bit", t.name);
            acc | t.bit
        });
        assert_eq!(all, (1u64 << 36) - 1);
    }
}
