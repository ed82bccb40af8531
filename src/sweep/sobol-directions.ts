// Sobol sequence direction numbers: Joe, S. and Kuo, F. Y. (2008), "Constructing Sobol sequences
// with better two-dimensional projections", SIAM J. Sci. Comput. 30, 2635-2654; the file
// new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/), whose first rows are copied here
// unchanged. Cross-checked against the copy SciPy ships (scipy.stats.qmc.Sobol, the same file).
//
// Each row is one dimension d >= 2 (dimension 1 is the van der Corput sequence, m_k = 1 for all k):
// [d, s, a, [m_1, ..., m_s]] with s the degree of the primitive polynomial
// x^s + c_1 x^(s-1) + ... + c_(s-1) x + 1, a the integer whose binary digits are c_1 ... c_(s-1),
// and m_k the initial direction integers (odd, m_k < 2^k). Direction number k is v_k = m_k / 2^k,
// and for k > s: m_k = 2 c_1 m_(k-1) xor 4 c_2 m_(k-2) xor ... xor 2^(s-1) c_(s-1) m_(k-s+1)
// xor 2^s m_(k-s) xor m_(k-s) (see sobol.ts).
//
// 40 dimensions: a Saltelli design for k parameters uses 2k of them, so k <= 20.

/** One row of new-joe-kuo-6.21201: dimension, degree s, polynomial coefficients a, initial m_1..m_s. */
export type JoeKuoRow = readonly [d: number, s: number, a: number, m: readonly number[]];

export const JOE_KUO_6_21201: readonly JoeKuoRow[] = [
  [2, 1, 0, [1]],
  [3, 2, 1, [1, 3]],
  [4, 3, 1, [1, 3, 1]],
  [5, 3, 2, [1, 1, 1]],
  [6, 4, 1, [1, 1, 3, 3]],
  [7, 4, 4, [1, 3, 5, 13]],
  [8, 5, 2, [1, 1, 5, 5, 17]],
  [9, 5, 4, [1, 1, 5, 5, 5]],
  [10, 5, 7, [1, 1, 7, 11, 19]],
  [11, 5, 11, [1, 1, 5, 1, 1]],
  [12, 5, 13, [1, 1, 1, 3, 11]],
  [13, 5, 14, [1, 3, 5, 5, 31]],
  [14, 6, 1, [1, 3, 3, 9, 7, 49]],
  [15, 6, 13, [1, 1, 1, 15, 21, 21]],
  [16, 6, 16, [1, 3, 1, 13, 27, 49]],
  [17, 6, 19, [1, 1, 1, 15, 7, 5]],
  [18, 6, 22, [1, 3, 1, 15, 13, 25]],
  [19, 6, 25, [1, 1, 5, 5, 19, 61]],
  [20, 7, 1, [1, 3, 7, 11, 23, 15, 103]],
  [21, 7, 4, [1, 3, 7, 13, 13, 15, 69]],
  [22, 7, 7, [1, 1, 3, 13, 7, 35, 63]],
  [23, 7, 8, [1, 3, 5, 9, 1, 25, 53]],
  [24, 7, 14, [1, 3, 1, 13, 9, 35, 107]],
  [25, 7, 19, [1, 3, 1, 5, 27, 61, 31]],
  [26, 7, 21, [1, 1, 5, 11, 19, 41, 61]],
  [27, 7, 28, [1, 3, 5, 3, 3, 13, 69]],
  [28, 7, 31, [1, 1, 7, 13, 1, 19, 1]],
  [29, 7, 32, [1, 3, 7, 5, 13, 19, 59]],
  [30, 7, 37, [1, 1, 3, 9, 25, 29, 41]],
  [31, 7, 41, [1, 3, 5, 13, 23, 1, 55]],
  [32, 7, 42, [1, 3, 7, 3, 13, 59, 17]],
  [33, 7, 50, [1, 3, 1, 3, 5, 53, 69]],
  [34, 7, 55, [1, 1, 5, 5, 23, 33, 13]],
  [35, 7, 56, [1, 1, 7, 7, 1, 61, 123]],
  [36, 7, 59, [1, 1, 7, 9, 13, 61, 49]],
  [37, 7, 62, [1, 3, 3, 5, 3, 55, 33]],
  [38, 8, 14, [1, 3, 1, 15, 31, 13, 49, 245]],
  [39, 8, 21, [1, 3, 5, 15, 31, 59, 63, 97]],
  [40, 8, 22, [1, 3, 1, 11, 11, 11, 77, 249]],
];

/** Dimensions available: dimension 1 plus one per row. */
export const SOBOL_MAX_DIMS = JOE_KUO_6_21201.length + 1;
