//! Option pricing: the generalised Black–Scholes–Merton model with a cost of carry `b`, which
//! is Black–Scholes for stock options (`b = r`, no dividends) and Black-76 for options on
//! futures (`b = 0`). f64 is fine here: only the rounded quotes leave the engine.
//!
//! Greeks are in the units DXLink's Greeks event carries (docs/contracts.md, simulator):
//! delta and gamma per 1 of the underlying, theta per calendar day, vega per volatility point
//! (0.01), rho per rate point (0.01), volatility as a fraction.

use std::f64::consts::{PI, SQRT_2};

/// The simulator's risk-free rate (4 %).
pub const RISK_FREE_RATE: f64 = 0.04;
/// Shortest time to expiration the formulas see (one minute), so expiring options stay finite.
pub const MIN_YEARS: f64 = 1.0 / (365.0 * 24.0 * 60.0);
const DAYS_PER_YEAR: f64 = 365.0;

/// What is being priced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contract {
    pub call: bool,
    pub strike: f64,
    /// Years to expiration (calendar, 365 days).
    pub years: f64,
    /// Options on futures are priced with Black-76 (cost of carry 0).
    pub on_future: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Greeks {
    pub price: f64,
    pub delta: f64,
    pub gamma: f64,
    /// Per calendar day.
    pub theta: f64,
    /// Per volatility point.
    pub vega: f64,
    /// Per rate point.
    pub rho: f64,
}

/// Standard normal density.
pub fn pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// Standard normal distribution function, accurate to about 1e-15 (the finite-difference
/// tests of the Greeks need better than the usual 1e-7 approximations).
pub fn cdf(x: f64) -> f64 {
    0.5 * erfc(-x / SQRT_2)
}

/// Complementary error function: a Taylor series for erf near 0, a continued fraction beyond.
fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.5 {
        // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
        let mut term = x;
        let mut sum = x;
        let x2 = x * x;
        for n in 1..200 {
            term *= -x2 / n as f64;
            let add = term / (2 * n + 1) as f64;
            sum += add;
            if add.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        return 1.0 - 2.0 / PI.sqrt() * sum;
    }
    // Lentz's algorithm for erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))).
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for n in 1..500 {
        let a = n as f64 / 2.0;
        d = x + a * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = x + a / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / PI.sqrt() / f
}

fn carry(on_future: bool, r: f64) -> f64 {
    if on_future {
        0.0
    } else {
        r
    }
}

/// Price and Greeks at underlying `s` (spot, or the future's price) and volatility `vol`.
pub fn greeks(c: Contract, s: f64, vol: f64, r: f64) -> Greeks {
    let t = c.years.max(MIN_YEARS);
    let k = c.strike;
    let b = carry(c.on_future, r);
    let sqrt_t = t.sqrt();
    let vol_t = vol * sqrt_t;
    let d1 = ((s / k).ln() + (b + 0.5 * vol * vol) * t) / vol_t;
    let d2 = d1 - vol_t;
    let carry_df = ((b - r) * t).exp();
    let df = (-r * t).exp();
    let n1 = pdf(d1);
    let gamma = carry_df * n1 / (s * vol_t);
    let vega = s * carry_df * n1 * sqrt_t;
    let decay = -s * carry_df * n1 * vol / (2.0 * sqrt_t);
    let (price, delta, theta_year, rho) = if c.call {
        let price = s * carry_df * cdf(d1) - k * df * cdf(d2);
        let theta = decay - (b - r) * s * carry_df * cdf(d1) - r * k * df * cdf(d2);
        let rho = if c.on_future {
            -t * price
        } else {
            k * t * df * cdf(d2)
        };
        (price, carry_df * cdf(d1), theta, rho)
    } else {
        let price = k * df * cdf(-d2) - s * carry_df * cdf(-d1);
        let theta = decay + (b - r) * s * carry_df * cdf(-d1) + r * k * df * cdf(-d2);
        let rho = if c.on_future {
            -t * price
        } else {
            -k * t * df * cdf(-d2)
        };
        (price, carry_df * (cdf(d1) - 1.0), theta, rho)
    };
    Greeks {
        price,
        delta,
        gamma,
        theta: theta_year / DAYS_PER_YEAR,
        vega: vega / 100.0,
        rho: rho / 100.0,
    }
}

/// Value at expiration.
pub fn intrinsic(call: bool, s: f64, strike: f64) -> f64 {
    if call {
        (s - strike).max(0.0)
    } else {
        (strike - s).max(0.0)
    }
}

/// The volatility at which the model price equals `price`, if there is one in [0.5 %, 500 %].
pub fn implied_vol(c: Contract, s: f64, price: f64, r: f64) -> Option<f64> {
    let (mut lo, mut hi) = (0.005, 5.0);
    let at = |v: f64| greeks(c, s, v, r).price;
    if !(at(lo)..=at(hi)).contains(&price) {
        return None;
    }
    // Bisection: the price is increasing in volatility; 60 halvings reach f64 precision.
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if at(mid) < price {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: f64 = RISK_FREE_RATE;

    fn contract(call: bool, strike: f64, years: f64, on_future: bool) -> Contract {
        Contract {
            call,
            strike,
            years,
            on_future,
        }
    }

    #[test]
    fn cdf_matches_known_values() {
        for (x, want) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746_068_542_9),
            (-1.96, 0.024_997_895_148_220_435),
            (3.0, 0.998_650_101_968_369_9),
            (-5.0, 2.866_515_718_791_939e-7),
        ] {
            assert!((cdf(x) - want).abs() < 1e-14, "cdf({x}) = {}", cdf(x));
        }
    }

    /// A textbook value (Hull, Options, Futures and Other Derivatives, example 15.6):
    /// S 42, K 40, r 10 %, sigma 20 %, T 0.5 → call 4.76, put 0.81.
    #[test]
    fn black_scholes_textbook_example() {
        let call = greeks(contract(true, 40.0, 0.5, false), 42.0, 0.2, 0.1).price;
        let put = greeks(contract(false, 40.0, 0.5, false), 42.0, 0.2, 0.1).price;
        assert!((call - 4.7594).abs() < 1e-4, "{call}");
        assert!((put - 0.8086).abs() < 1e-4, "{put}");
    }

    #[test]
    fn put_call_parity() {
        for (s, k, t, v) in [(672.45, 700.0, 0.05, 0.18), (27.9, 25.0, 1.2, 0.4)] {
            let c = greeks(contract(true, k, t, false), s, v, R).price;
            let p = greeks(contract(false, k, t, false), s, v, R).price;
            // Stock: C - P = S - K e^{-rT}.
            assert!((c - p - (s - k * (-R * t).exp())).abs() < 1e-9);
            let c = greeks(contract(true, k, t, true), s, v, R).price;
            let p = greeks(contract(false, k, t, true), s, v, R).price;
            // Future (Black-76): C - P = e^{-rT} (F - K).
            assert!((c - p - (-R * t).exp() * (s - k)).abs() < 1e-9);
        }
    }

    /// Each Greek equals the central finite difference of the price, in the stated units.
    #[test]
    fn greeks_agree_with_finite_differences() {
        for on_future in [false, true] {
            for call in [true, false] {
                for (s, k, t, v) in [(100.0, 95.0, 0.25, 0.3), (6795.75, 7000.0, 0.02, 0.15)] {
                    let c = contract(call, k, t, on_future);
                    let g = greeks(c, s, v, R);
                    let price = |s: f64, v: f64, r: f64, t: f64| {
                        greeks(Contract { years: t, ..c }, s, v, r).price
                    };
                    let hs = s * 1e-4;
                    let delta = (price(s + hs, v, R, t) - price(s - hs, v, R, t)) / (2.0 * hs);
                    let gamma = (price(s + hs, v, R, t) - 2.0 * g.price + price(s - hs, v, R, t))
                        / (hs * hs);
                    let vega = (price(s, v + 1e-5, R, t) - price(s, v - 1e-5, R, t)) / 2e-5 / 100.0;
                    let rho = (price(s, v, R + 1e-5, t) - price(s, v, R - 1e-5, t)) / 2e-5 / 100.0;
                    let dt = 1e-6;
                    let theta =
                        -(price(s, v, R, t + dt) - price(s, v, R, t - dt)) / (2.0 * dt) / 365.0;
                    let close = |a: f64, b: f64, what: &str| {
                        assert!(
                            (a - b).abs() <= 1e-4 * b.abs().max(1e-3),
                            "{what} call={call} fut={on_future} s={s}: analytic {a} vs numeric {b}"
                        )
                    };
                    close(g.delta, delta, "delta");
                    close(g.gamma, gamma, "gamma");
                    close(g.vega, vega, "vega");
                    close(g.rho, rho, "rho");
                    close(g.theta, theta, "theta");
                }
            }
        }
    }

    #[test]
    fn implied_vol_inverts_the_price() {
        let c = contract(true, 700.0, 0.2, false);
        let price = greeks(c, 672.45, 0.237, R).price;
        let iv = implied_vol(c, 672.45, price, R).unwrap();
        assert!((iv - 0.237).abs() < 1e-9, "{iv}");
        // Below intrinsic value there is no volatility that gives the price.
        assert_eq!(implied_vol(c, 800.0, 50.0, R), None);
    }
}
