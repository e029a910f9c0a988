// kahan adds d to x with Kahan's compensation c, a component of a point
// model's state (see point.comp): each model's kahan calls it for every
// component.
void kahan(inout float x, inout float c, float d) {
	precise float y = d - c;
	precise float s = x + y;
	precise float e = (s - x) - y;
	c = e;
	x = s;
}
