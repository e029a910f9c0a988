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

#ifdef REAL_IS_DOUBLE
void kahan(inout double x, inout double c, double d) {
	precise double y = d - c;
	precise double s = x + y;
	precise double e = (s - x) - y;
	c = e;
	x = s;
}
#endif
