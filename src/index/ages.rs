//! Entries grouped by the age range they serve, so that an age filter is
//! the union of the few groups whose range overlaps the ages asked rather
//! than a test of every entry (a bank holds few distinct ranges: "4-7",
//! "11-16", …).

use fixedbitset::FixedBitSet;

/// A group at least this share of the bank (1 in 64) is kept as a bitset;
/// a smaller one as a list of ords, so that memory stays linear in the bank
/// however many distinct ranges it has.
const DENSE_SHARE: usize = 64;

#[derive(Debug)]
pub(crate) struct AgeGroups {
    /// Entries in the bank.
    len: usize,
    /// One per distinct half-open range, in range order.
    groups: Vec<AgeGroup>,
}

#[derive(Debug)]
struct AgeGroup {
    /// Half-open: `[min, end)`.
    range: (u8, u8),
    members: Members,
}

#[derive(Debug)]
enum Members {
    Dense(FixedBitSet),
    Sparse(Vec<u32>),
}

impl AgeGroups {
    /// Groups entries by their half-open age range (`ages[ord]`).
    pub(crate) fn new(ages: &[(u8, u8)]) -> AgeGroups {
        let len = ages.len();
        let mut ords: Vec<u32> = (0..len as u32).collect();
        ords.sort_by_key(|&ord| ages[ord as usize]);
        let groups = ords
            .chunk_by(|&a, &b| ages[a as usize] == ages[b as usize])
            .map(|members| AgeGroup {
                range: ages[members[0] as usize],
                members: if members.len() * DENSE_SHARE >= len {
                    let mut bits = FixedBitSet::with_capacity(len);
                    bits.extend(members.iter().map(|&ord| ord as usize));
                    Members::Dense(bits)
                } else {
                    Members::Sparse(members.to_vec())
                },
            })
            .collect();
        AgeGroups { len, groups }
    }

    /// The entries whose ages overlap `[min, end)`.
    pub(crate) fn overlapping(&self, (min, end): (u8, u8)) -> FixedBitSet {
        let mut bits = FixedBitSet::with_capacity(self.len);
        for group in &self.groups {
            let (entry_min, entry_end) = group.range;
            if entry_min < end && min < entry_end {
                match &group.members {
                    Members::Dense(members) => bits.union_with(members),
                    Members::Sparse(members) => bits.extend(members.iter().map(|&o| o as usize)),
                }
            }
        }
        bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every entry is tested against the ages asked, one at a time.
    fn model(ages: &[(u8, u8)], (min, end): (u8, u8)) -> Vec<usize> {
        (ages.iter().enumerate())
            .filter(|&(_, &(a, b))| a < end && min < b)
            .map(|(ord, _)| ord)
            .collect()
    }

    #[test]
    fn overlap_matches_testing_every_entry() {
        // Dense and sparse groups both: 200 entries over ranges of very
        // different sizes, some empty and some open-ended.
        let ages: Vec<(u8, u8)> = (0..200u32)
            .map(|i| match i % 7 {
                0..=3 => (4, 7),
                4 => (11, 16),
                5 => ((i % 19) as u8, (i % 19) as u8 + (i % 5) as u8),
                _ => (16, u8::MAX),
            })
            .collect();
        let groups = AgeGroups::new(&ages);
        assert!(
            groups
                .groups
                .iter()
                .any(|g| matches!(g.members, Members::Sparse(_)))
        );
        assert!(
            groups
                .groups
                .iter()
                .any(|g| matches!(g.members, Members::Dense(_)))
        );
        for min in 0..30 {
            for end in min..32 {
                let found: Vec<usize> = groups.overlapping((min, end)).ones().collect();
                assert_eq!(found, model(&ages, (min, end)), "ages {min}..{end}");
            }
        }
        let all: Vec<usize> = groups.overlapping((0, u8::MAX)).ones().collect();
        assert_eq!(all, model(&ages, (0, u8::MAX)));
    }
}
