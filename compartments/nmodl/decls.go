package nmodl

import "math"

// neuronBlock reads the NEURON block.
func (p *parser) neuronBlock() error {
	if _, err := p.expect("{", "after NEURON"); err != nil {
		return err
	}
	for {
		if p.accept("}") {
			if !p.decl.nameSet {
				return errAt(p.peek(0).pos, "the NEURON block names no SUFFIX or POINT_PROCESS")
			}
			return nil
		}
		t, err := p.ident("a NEURON block statement")
		if err != nil {
			return err
		}
		switch t.text {
		case "SUFFIX", "POINT_PROCESS":
			n, err := p.ident("a mechanism name")
			if err != nil {
				return err
			}
			if p.decl.nameSet {
				return errAt(t.pos, "second SUFFIX or POINT_PROCESS")
			}
			p.decl.nameSet = true
			p.m.Name, p.m.NamePos = n.text, n.pos
			if t.text == "POINT_PROCESS" {
				p.m.Kind = PointProcess
			}
		case "USEION":
			if err := p.useion(t.pos); err != nil {
				return err
			}
		case "NONSPECIFIC_CURRENT", "RANGE", "GLOBAL":
			ns, err := p.names("a name")
			if err != nil {
				return err
			}
			switch t.text {
			case "NONSPECIFIC_CURRENT":
				p.decl.nonspecific = append(p.decl.nonspecific, ns...)
			case "RANGE":
				p.decl.ranges = append(p.decl.ranges, ns...)
			default:
				p.decl.global = append(p.decl.global, ns...)
			}
		case "THREADSAFE":
			p.m.ThreadSafe = true
		default:
			return errAt(t.pos, "unknown NEURON block statement %s", t.text)
		}
	}
}

// useion reads the rest of "USEION name READ a, b WRITE c VALENCE z".
func (p *parser) useion(at Pos) error {
	n, err := p.ident("an ion name")
	if err != nil {
		return err
	}
	ion := &Ion{Name: n.text, Pos: at}
	valence := false
	for {
		t := p.peek(0)
		if t.kind != tIdent || (t.text != "READ" && t.text != "WRITE" && t.text != "VALENCE") {
			break
		}
		p.buf = p.buf[1:]
		switch t.text {
		case "VALENCE":
			if ion.Valence, _, err = p.number(true); err != nil {
				return err
			}
			valence = true
			continue
		}
		ns, err := p.names("an ion variable")
		if err != nil {
			return err
		}
		for _, v := range ns {
			if t.text == "READ" {
				ion.Read = append(ion.Read, v.Name)
			} else {
				ion.Write = append(ion.Write, v.Name)
			}
		}
	}
	if !valence {
		z, ok := map[string]float64{"na": 1, "k": 1, "ca": 2}[ion.Name]
		if !ok {
			return errAt(at, "USEION %s needs a VALENCE (Neurite knows na, k and ca)", ion.Name)
		}
		ion.Valence = z
	}
	p.m.Ions = append(p.m.Ions, ion)
	return nil
}

// constants are the physical constants a UNITS block may name, by unit
// and the unit asked for: NEURON 8.2's modern units (CODATA 2018).
var constants = map[[2]string]float64{
	{"faraday", "coulomb"}:      96485.3321233100141,
	{"faraday", "coulombs"}:     96485.3321233100141,
	{"faraday", "coul"}:         96485.3321233100141,
	{"faraday", "kilocoulombs"}: 96.4853321233100141,
	{"k-mole", "joule/degC"}:    8.31446261815324,
	{"k-mole", "joule/degK"}:    8.31446261815324,
	{"e", "coulomb"}:            1.602176634e-19,
	{"pi", "1"}:                 math.Pi,
}

// unitsBlock reads the UNITS block: aliases "(mA) = (milliamp)" and
// constants "FARADAY = (faraday) (coulombs)".
func (p *parser) unitsBlock() error {
	if _, err := p.expect("{", "after UNITS"); err != nil {
		return err
	}
	for {
		t := p.peek(0)
		switch {
		case isPunct(t, "}"):
			p.buf = p.buf[1:]
			return nil
		case isPunct(t, "("):
			name, err := p.unit()
			if err != nil {
				return err
			}
			if _, err := p.expect("=", "in a unit definition"); err != nil {
				return err
			}
			def, err := p.unit()
			if err != nil {
				return err
			}
			p.m.UnitDefs = append(p.m.UnitDefs, UnitDef{Name: name, Def: def, Pos: t.pos})
		default:
			n, err := p.ident("a unit definition")
			if err != nil {
				return err
			}
			if _, err := p.expect("=", "after a constant's name"); err != nil {
				return err
			}
			from, err := p.unit()
			if err != nil {
				return err
			}
			to, err := p.unit()
			if err != nil {
				return err
			}
			v, ok := constants[[2]string{from, to}]
			if !ok {
				return errAt(n.pos, "%s = (%s) (%s): Neurite knows (faraday) in coulombs, (k-mole) in joule/degC, (e) in coulomb and (pi) in (1)", n.text, from, to)
			}
			c := &UnitConst{Name: n.text, From: from, To: to, Value: v, Pos: n.pos}
			p.m.Constants = append(p.m.Constants, c)
			p.decl.syms = append(p.decl.syms, &Symbol{Name: n.text, Kind: Constant, Unit: to, Default: &c.Value, Pos: n.pos})
		}
	}
}

// declBlock reads a PARAMETER, ASSIGNED or STATE block: one name a
// declaration, "name = value (unit) <lo, hi>" for a parameter, "name
// (unit) FROM lo TO hi" for a state.
func (p *parser) declBlock(kind SymKind) error {
	if _, err := p.expect("{", "after "+kind.String()); err != nil {
		return err
	}
	for !p.accept("}") {
		n, err := p.ident("a name")
		if err != nil {
			return err
		}
		s := &Symbol{Name: n.text, Kind: kind, Pos: n.pos}
		if isPunct(p.peek(0), "[") {
			return errAt(n.pos, "array %s is not supported", n.text)
		}
		if kind == Parameter && p.accept("=") {
			v, _, err := p.number(true)
			if err != nil {
				return err
			}
			s.Default = &v
		}
		if s.Unit, err = p.optUnit(); err != nil {
			return err
		}
		switch {
		case kind == Parameter && p.accept("<"):
			lo, _, err := p.number(true)
			if err != nil {
				return err
			}
			if _, err := p.expect(",", "between a parameter's limits"); err != nil {
				return err
			}
			hi, _, err := p.number(true)
			if err != nil {
				return err
			}
			if _, err := p.expect(">", "after a parameter's limits"); err != nil {
				return err
			}
			s.Lo, s.Hi = &lo, &hi
		case kind == State && p.peek(0).kind == tIdent && p.peek(0).text == "FROM":
			p.buf = p.buf[1:]
			lo, _, err := p.number(true)
			if err != nil {
				return err
			}
			if t, err := p.ident("TO"); err != nil || t.text != "TO" {
				return errAt(t.pos, "expected TO after FROM in a STATE's range, found %s", t)
			}
			hi, _, err := p.number(true)
			if err != nil {
				return err
			}
			s.Lo, s.Hi = &lo, &hi
		case kind == State && isPunct(p.peek(0), "<"):
			return errAt(p.peek(0).pos, "a STATE's absolute tolerance <...> is not supported (Neurite has no CVODE)")
		}
		p.decl.syms = append(p.decl.syms, s)
	}
	return nil
}

// independent reads "INDEPENDENT { t FROM 0 TO 1 WITH 1 (ms) }": the
// independent variable must be NEURON's time t.
func (p *parser) independent() error {
	if _, err := p.expect("{", "after INDEPENDENT"); err != nil {
		return err
	}
	n, err := p.ident("the independent variable")
	if err != nil {
		return err
	}
	if n.text != "t" {
		return errAt(n.pos, "INDEPENDENT %s: Neurite's independent variable is the time t", n.text)
	}
	for !p.accept("}") {
		t, err := p.next()
		if err != nil {
			return err
		}
		if t.kind == tEOF || t.kind == tPunct && t.text != "-" && t.text != "(" && t.text != ")" && t.text != "/" {
			return errAt(t.pos, "unexpected %s in INDEPENDENT", t)
		}
	}
	return nil
}
