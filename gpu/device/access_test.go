package device

import (
	"testing"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/shaders"
)

// accessKernels read or write a lane's own word of a large array in each
// of many iterations, in the forms the cable kernels could use. On Mesa's
// llvmpipe a storage buffer is read lane by lane (about 4 ns a lane on the
// 2-core machine) while an image or a texel fetch reads all lanes at once
// (about 1 ns): hence the cable kernels' per-node arrays are images.
var accessKernels = []struct{ name, body string }{
	{"storage_load", `layout(std430, binding = 0) buffer D { double d[]; };
void main() {
	int i = int(gl_GlobalInvocationID.x);
	double s = 0.0;
	for (int k = 0; k < iters; k++) { s += d[(k % 64) * n + i]; }
	d[i] = s;
}`},
	{"storage_store", `layout(std430, binding = 0) buffer D { double d[]; };
void main() {
	int i = int(gl_GlobalInvocationID.x);
	for (int k = 0; k < iters; k++) { d[(k % 64) * n + i] = double(k); }
}`},
	{"image_load", `layout(binding = 0, rg32ui) uniform uimageBuffer img;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	double s = 0.0;
	for (int k = 0; k < iters; k++) { s += packDouble2x32(imageLoad(img, (k % 64) * n + i).xy); }
	imageStore(img, i, uvec4(unpackDouble2x32(s), 0u, 0u));
}`},
	{"image_load_rgba32f", `layout(binding = 1, rgba32f) uniform imageBuffer img4;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	vec4 s = vec4(0.0);
	for (int k = 0; k < iters; k++) { s += imageLoad(img4, (k % 16) * n + i); }
	imageStore(img4, i, s);
}`},
	{"image_store", `layout(binding = 0, rg32ui) uniform uimageBuffer img;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	for (int k = 0; k < iters; k++) { imageStore(img, (k % 64) * n + i, uvec4(unpackDouble2x32(double(k)), 0u, 0u)); }
}`},
	{"image_store_rgba32f", `layout(binding = 1, rgba32f) uniform imageBuffer img4;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	for (int k = 0; k < iters; k++) { imageStore(img4, (k % 16) * n + i, vec4(k)); }
}`},
	{"texel_fetch", `layout(binding = 0, rg32ui) uniform uimageBuffer img;
uniform usamplerBuffer tex;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	double s = 0.0;
	for (int k = 0; k < iters; k++) { s += packDouble2x32(texelFetch(tex, (k % 64) * n + i).xy); }
	imageStore(img, i, uvec4(unpackDouble2x32(s), 0u, 0u));
}`},
}

// BenchmarkAccess reports the cost of one lane's access in ns.
func BenchmarkAccess(b *testing.B) {
	dev := sharedDevice(b)
	const n, iters = 1024, 20000
	for _, k := range accessKernels {
		b.Run(k.name, func(b *testing.B) {
			src := "#version 430\nlayout(local_size_x = 8) in;\nuniform int n, iters;\n" + k.body
			dev.Do(func() error {
				p, err := Compile(shaders.Shader{Name: k.name, Text: src, Files: []string{k.name}})
				if err != nil {
					b.Fatal(err)
				}
				defer p.Delete()
				data := NewBuffer[float32](nil, 8*n*64)
				defer data.Delete()
				data.Bind(0)
				d2, d4 := BufferTexture(data, gl.RG32UI), BufferTexture(data, gl.RGBA32F)
				defer gl.DeleteTextures(2, &[]uint32{d2, d4}[0])
				gl.BindImageTexture(0, d2, 0, false, 0, gl.READ_WRITE, gl.RG32UI)
				gl.BindImageTexture(1, d4, 0, false, 0, gl.READ_WRITE, gl.RGBA32F)
				gl.ActiveTexture(gl.TEXTURE0)
				gl.BindTexture(gl.TEXTURE_BUFFER, d2)
				p.Use()
				p.SetInt("n", n)
				p.SetInt("iters", iters)
				b.ResetTimer()
				for range b.N {
					p.Dispatch(n / 8)
					gl.Finish()
				}
				b.StopTimer()
				if e := gl.GetError(); e != gl.NO_ERROR {
					b.Fatalf("GL error 0x%x", e)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*iters), "ns/access")
				return nil
			})
		})
	}
}
