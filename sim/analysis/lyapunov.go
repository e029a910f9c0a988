package analysis

import (
	"errors"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/mat"

	"neurite/sim/point"
)

// FirstLyapunov computes the first Lyapunov coefficient l1 of a Hopf point
// x of m (Kuznetsov, Elements of Applied Bifurcation Theory, §3.5):
//
//	l1 = Re(⟨p, C(q,q,q̄)⟩ − 2⟨p, B(q, A⁻¹B(q,q̄))⟩ + ⟨p, B(q̄, (2iω − A)⁻¹B(q,q))⟩) / 2ω
//
// with A q = iωq, Aᵀp = −iωp, ⟨q,q⟩ = ⟨p,q⟩ = 1, and B, C the second and
// third derivatives of the vector field, by finite differences whose steps
// follow the variables' scales. l1 < 0: supercritical (a small stable
// cycle is born); l1 > 0: subcritical. It also returns ω.
func FirstLyapunov(m *point.Model, x, scale []float64) (float64, float64, error) {
	n := len(x)
	g := func(y []float64) []float64 {
		f := make([]float64, n)
		m.Field(y, f)
		return f
	}
	y0 := append([]float64(nil), x...)
	A := Jacobian(m, x)
	var eig mat.Eigen
	if !eig.Factorize(A, mat.EigenBoth) {
		return 0, 0, errors.New("eigen-decomposition failed")
	}
	vals := eig.Values(nil)
	k := -1
	for i, l := range vals {
		if imag(l) > 0 && (k < 0 || math.Abs(real(l)) < math.Abs(real(vals[k]))) {
			k = i
		}
	}
	if k < 0 {
		return 0, 0, errors.New("no complex pair of eigenvalues")
	}
	omega := imag(vals[k])
	var R, L mat.CDense
	eig.VectorsTo(&R)
	eig.LeftVectorsTo(&L)
	q := make([]complex128, n)
	p := make([]complex128, n)
	for i := range n {
		q[i], p[i] = R.At(i, k), L.At(i, k)
	}
	// Normalise ⟨q,q⟩ = 1 and ⟨p,q⟩ = 1 (⟨a,b⟩ = Σ conj(a_i) b_i).
	qn := math.Sqrt(real(dot(q, q)))
	for i := range q {
		q[i] /= complex(qn, 0)
	}
	pq := dot(p, q)
	for i := range p {
		p[i] /= cmplx.Conj(pq)
	}
	// Directional derivatives of g at y0 along real vectors, with a step
	// that moves no variable by more than 1e-3 of its scale.
	along := func(v []float64, s float64) []float64 {
		y := make([]float64, n)
		for i := range y {
			y[i] = y0[i] + s*v[i]
		}
		return g(y)
	}
	stepFor := func(v []float64) float64 {
		h := math.Inf(1)
		for i := range v {
			if a := math.Abs(v[i]); a > 0 {
				h = math.Min(h, 1e-3*scale[i]/a)
			}
		}
		if math.IsInf(h, 1) {
			h = 1e-3
		}
		return h
	}
	f0 := g(y0)
	d2 := func(v []float64) []float64 { // B(v, v)
		h := stepFor(v)
		fp, fm := along(v, h), along(v, -h)
		out := make([]float64, n)
		for i := range out {
			out[i] = (fp[i] - 2*f0[i] + fm[i]) / (h * h)
		}
		return out
	}
	d3 := func(v []float64) []float64 { // C(v, v, v)
		h := 2 * stepFor(v)
		f2p, f1p, f1m, f2m := along(v, 2*h), along(v, h), along(v, -h), along(v, -2*h)
		out := make([]float64, n)
		for i := range out {
			out[i] = (f2p[i] - 2*f1p[i] + 2*f1m[i] - f2m[i]) / (2 * h * h * h)
		}
		return out
	}
	lin := func(a float64, u []float64, b float64, v []float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = a*u[i] + b*v[i]
		}
		return out
	}
	// Real bilinear B(u, v) by polarisation.
	B := func(u, v []float64) []float64 {
		return lin(0.25, d2(lin(1, u, 1, v)), -0.25, d2(lin(1, u, -1, v)))
	}
	re, im := make([]float64, n), make([]float64, n)
	for i := range q {
		re[i], im[i] = real(q[i]), imag(q[i])
	}
	cplx := func(r, i []float64) []complex128 {
		out := make([]complex128, n)
		for k := range out {
			out[k] = complex(r[k], i[k])
		}
		return out
	}
	// B(q, q̄) = B(a,a) + B(b,b); B(q, q) = B(a,a) − B(b,b) + 2i B(a,b).
	Baa, Bbb, Bab := B(re, re), B(im, im), B(re, im)
	Bqqbar := lin(1, Baa, 1, Bbb)
	Bqq := cplx(lin(1, Baa, -1, Bbb), lin(2, Bab, 0, Bab))
	// C(q,q,q̄) = C(a,a,a) + C(a,b,b) + i(C(a,a,b) + C(b,b,b)), with the mixed
	// terms by polarisation of third directional derivatives.
	Caaa, Cbbb := d3(re), d3(im)
	Cplus, Cminus := d3(lin(1, re, 1, im)), d3(lin(1, re, -1, im))
	Caab := lin(1.0/6, lin(1, Cplus, -1, Cminus), -2.0/6, Cbbb)
	Cabb := lin(1.0/6, lin(1, Cplus, 1, Cminus), -2.0/6, Caaa)
	Cqqq := cplx(lin(1, Caaa, 1, Cabb), lin(1, Caab, 1, Cbbb))
	// A⁻¹ B(q, q̄) (real) and (2iω − A)⁻¹ B(q, q) (complex, as a real
	// system of twice the size).
	var s1 mat.VecDense
	if err := s1.SolveVec(A, mat.NewVecDense(n, Bqqbar)); err != nil {
		return 0, omega, err
	}
	big := mat.NewDense(2*n, 2*n, nil)
	for i := range n {
		for j := range n {
			big.Set(i, j, -A.At(i, j))
			big.Set(n+i, n+j, -A.At(i, j))
		}
		big.Set(i, n+i, -2*omega)
		big.Set(n+i, i, 2*omega)
	}
	rhsv := make([]float64, 2*n)
	for i := range n {
		rhsv[i], rhsv[n+i] = real(Bqq[i]), imag(Bqq[i])
	}
	var s2 mat.VecDense
	if err := s2.SolveVec(big, mat.NewVecDense(2*n, rhsv)); err != nil {
		return 0, omega, err
	}
	u2, v2 := s2.RawVector().Data[:n], s2.RawVector().Data[n:]
	// B(q, s1) with s1 real; B(q̄, s2) with s2 complex.
	s1v := s1.RawVector().Data
	Bqs1 := cplx(B(re, s1v), B(im, s1v))
	// B(a − ib, u + iv) = B(a,u) + B(b,v) + i(B(a,v) − B(b,u)).
	Bqbs2 := cplx(lin(1, B(re, u2), 1, B(im, v2)), lin(1, B(re, v2), -1, B(im, u2)))
	sum := dot(p, Cqqq) - 2*dot(p, Bqs1) + dot(p, Bqbs2)
	return real(sum) / (2 * omega), omega, nil
}

// dot is ⟨a, b⟩ = Σ conj(a_i) b_i.
func dot(a, b []complex128) complex128 {
	var s complex128
	for i := range a {
		s += cmplx.Conj(a[i]) * b[i]
	}
	return s
}
