// Package cost owns what images cost: exact decimal amounts (Amount), the
// versioned price card a provider hands over (Card), the price in force
// for one model (Price), the estimate of a plan as a range of images and
// money (Cost), and the budget: the check of a plan's upper bound against
// a limit (Budget.Check) and the running total that an apply consults
// before each request starts (Gate).
//
// Amounts are integers of billionths of a currency unit, so that a sum of
// prices never meets a float rounding surprise. The package knows no
// provider and no file format: providers supply their cards, the pipeline
// asks for estimates and the gate, and the lock records what was billed.
package cost
