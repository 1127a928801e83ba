//! The colours of every chart and of the report page: one colour, one meaning.

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    /// As CSS writes it: `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Cold starts, their latency and their counts.
pub const COLD: Colour = Colour(0xd6, 0x27, 0x28);
/// Warm starts and their latency.
pub const WARM: Colour = Colour(0x1f, 0x77, 0xb4);
/// Throttled arrivals.
pub const THROTTLED: Colour = Colour(0x94, 0x67, 0xbd);
/// Busy containers (initializing or executing).
pub const BUSY: Colour = Colour(0x1b, 0x9e, 0x77);
/// Idle containers: memory held for nothing.
pub const IDLE: Colour = Colour(0xfd, 0xb8, 0x63);
/// Alive containers (busy plus idle).
pub const ALIVE: Colour = Colour(0x40, 0x40, 0x40);
/// Limits.
pub const LIMIT: Colour = Colour(0x00, 0x00, 0x00);
/// Reference lines (p50, p99).
pub const REFERENCE: Colour = Colour(0x99, 0x99, 0x99);
/// Cost of requests.
pub const REQUESTS: Colour = Colour(0x8c, 0x56, 0x4b);
/// Cost of on-demand duration, INIT excluded.
pub const COMPUTE: Colour = Colour(0xbc, 0xbd, 0x22);
/// Cost of INIT (cold starts).
pub const INIT: Colour = Colour(0xff, 0x98, 0x96);
/// Cost of provisioned concurrency (always-ready and minimum instances on other platforms).
pub const PROVISIONED: Colour = Colour(0x17, 0xbe, 0xcf);
/// Cost of Lambda Managed Instances' management fee.
pub const MANAGEMENT: Colour = Colour(0x39, 0x3b, 0x79);
/// Cost of ephemeral storage.
pub const STORAGE: Colour = Colour(0xa0, 0xa0, 0xa0);
/// Text and axes.
pub const INK: Colour = Colour(0x20, 0x20, 0x20);
/// Notes ("no cold starts", "warm-up").
pub const MUTED: Colour = Colour(0x70, 0x70, 0x70);
/// Grid lines.
pub const GRID: Colour = Colour(0xdd, 0xdd, 0xdd);
/// The warm-up shade.
pub const SHADE: Colour = Colour(0xee, 0xee, 0xee);
/// Series without a meaning of their own (policies, sweep series), in order.
pub const SERIES: [Colour; 6] = [
    Colour(0x33, 0x33, 0x99),
    Colour(0x00, 0x80, 0x80),
    Colour(0xb8, 0x86, 0x0b),
    Colour(0x88, 0x22, 0x55),
    Colour(0x55, 0x55, 0x55),
    Colour(0x66, 0x99, 0x00),
];
