package cost

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Decimals is how many decimal places an Amount keeps: prices are given
// to at most this precision.
const Decimals = 9

var unit = big.NewInt(1_000_000_000) // 10^Decimals

// Amount is an exact, non-negative decimal amount of money in some
// currency, held as an integer number of 10^-Decimals units. The zero
// value is zero. Amounts are values: operations return new ones.
type Amount struct {
	nanos *big.Int // nil is zero
}

// ParseAmount reads a plain decimal such as "0.035", "12" or "12.50". It
// refuses signs, exponents, fractions and more than Decimals decimal
// places, so that what was written is exactly what is counted.
func ParseAmount(s string) (Amount, error) {
	t := strings.TrimSpace(s)
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" || !digits(whole) || !digits(frac) || hasDot && frac == "" {
		return Amount{}, fmt.Errorf("%q is not an amount: write a decimal number such as 0.04 or 25", s)
	}
	if len(frac) > Decimals {
		return Amount{}, fmt.Errorf("%q has more than %d decimal places", s, Decimals)
	}
	frac += strings.Repeat("0", Decimals-len(frac))
	n, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		return Amount{}, fmt.Errorf("%q is not an amount", s)
	}
	return Amount{nanos: n}, nil
}

// MustParse is ParseAmount for amounts written in the source, such as a
// price card's; it panics on a malformed literal.
func MustParse(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (a Amount) int() *big.Int {
	if a.nanos == nil {
		return new(big.Int)
	}
	return a.nanos
}

// Add returns a+b.
func (a Amount) Add(b Amount) Amount {
	return Amount{nanos: new(big.Int).Add(a.int(), b.int())}
}

// Sub returns a-b, or zero when b is larger: an amount is never negative.
func (a Amount) Sub(b Amount) Amount {
	d := new(big.Int).Sub(a.int(), b.int())
	if d.Sign() < 0 {
		return Amount{}
	}
	return Amount{nanos: d}
}

// Times returns a*n for n >= 0 (a negative n counts as zero).
func (a Amount) Times(n int) Amount {
	if n <= 0 {
		return Amount{}
	}
	return Amount{nanos: new(big.Int).Mul(a.int(), big.NewInt(int64(n)))}
}

// Cmp compares a and b: -1, 0 or +1.
func (a Amount) Cmp(b Amount) int { return a.int().Cmp(b.int()) }

// Equal reports whether a and b are the same amount (go-cmp uses it).
func (a Amount) Equal(b Amount) bool { return a.Cmp(b) == 0 }

// IsZero reports whether a is zero.
func (a Amount) IsZero() bool { return a.int().Sign() == 0 }

// String is the exact decimal, with at least two decimal places and no
// trailing zeros beyond them: "0.12", "0.035", "3.00".
func (a Amount) String() string {
	q, r := new(big.Int).QuoRem(a.int(), unit, new(big.Int))
	frac := fmt.Sprintf("%0*s", Decimals, r.String())
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	return q.String() + "." + frac
}

// MarshalJSON writes the amount as a JSON number with its exact decimal
// digits, so that a reader parsing it as a float gets the nearest float
// and one parsing it as a decimal gets it exactly.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalJSON reads a JSON number (or a string holding one) written as
// a plain decimal; null leaves a unchanged, as encoding/json expects.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if len(s) < 2 || !strings.HasSuffix(s, `"`) {
			return errors.New("an amount must be a decimal number")
		}
		s = s[1 : len(s)-1]
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}
