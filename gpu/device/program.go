package device

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/shaders"
)

// Program is a linked compute shader. Its methods run on the device's
// thread (inside Do).
type Program struct {
	name     string
	id       uint32
	uniforms map[string]int32
}

// Compile compiles and links a compute shader; errors name the
// shader and carry the driver's log with the offending lines.
func Compile(s shaders.Shader) (*Program, error) {
	name := s.Name
	sh := gl.CreateShader(gl.COMPUTE_SHADER)
	defer gl.DeleteShader(sh)
	csrc, free := gl.Strs(s.Text + "\x00")
	gl.ShaderSource(sh, 1, csrc, nil)
	free()
	gl.CompileShader(sh)
	var ok int32
	gl.GetShaderiv(sh, gl.COMPILE_STATUS, &ok)
	if ok == gl.FALSE {
		return nil, fmt.Errorf("shader %s: compile failed:\n%s", name, shaderLog(sh, s))
	}
	prog := gl.CreateProgram()
	gl.AttachShader(prog, sh)
	gl.LinkProgram(prog)
	gl.GetProgramiv(prog, gl.LINK_STATUS, &ok)
	if ok == gl.FALSE {
		var n int32
		gl.GetProgramiv(prog, gl.INFO_LOG_LENGTH, &n)
		log := make([]byte, n+1)
		gl.GetProgramInfoLog(prog, n, nil, &log[0])
		gl.DeleteProgram(prog)
		return nil, fmt.Errorf("shader %s: link failed:\n%s", name, strings.TrimRight(string(log), "\x00\n"))
	}
	return &Program{name: name, id: prog, uniforms: map[string]int32{}}, nil
}

// shaderLog returns the compile log with the lines it names (locateLog).
func shaderLog(sh uint32, s shaders.Shader) string {
	var n int32
	gl.GetShaderiv(sh, gl.INFO_LOG_LENGTH, &n)
	buf := make([]byte, n+1)
	gl.GetShaderInfoLog(sh, n, nil, &buf[0])
	return locateLog(strings.TrimRight(string(buf), "\x00\n"), s)
}

// locateLog follows each message of a compile log with the file and line
// it names (Mesa writes "FILE:LINE(COL): error: ...", NVIDIA
// "FILE(LINE) : error ...").
func locateLog(log string, s shaders.Shader) string {
	var out strings.Builder
	for _, msg := range strings.Split(log, "\n") {
		out.WriteString(msg + "\n")
		var file, line int
		_, err := fmt.Sscanf(msg, "%d:%d", &file, &line)
		if err != nil {
			_, err = fmt.Sscanf(msg, "%d(%d)", &file, &line)
		}
		if err == nil {
			if name, n, text, ok := s.Locate(file, line); ok {
				fmt.Fprintf(&out, "    %s:%d | %s\n", name, n, strings.TrimSpace(text))
			}
		}
	}
	return strings.TrimRight(out.String(), "\n")
}

// Use makes the program current.
func (p *Program) Use() { gl.UseProgram(p.id) }

func (p *Program) location(name string) int32 {
	loc, ok := p.uniforms[name]
	if !ok {
		loc = gl.GetUniformLocation(p.id, gl.Str(name+"\x00"))
		p.uniforms[name] = loc
	}
	return loc
}

// SetInt sets an int uniform of the current program.
func (p *Program) SetInt(name string, v int) { gl.Uniform1i(p.location(name), int32(v)) }

// SetUint sets a uint uniform of the current program.
func (p *Program) SetUint(name string, v uint32) { gl.Uniform1ui(p.location(name), v) }

// SetFloat sets a float uniform of the current program.
func (p *Program) SetFloat(name string, v float32) { gl.Uniform1f(p.location(name), v) }

// SetDouble sets a double uniform of the current program, its bits as
// they are (no decimal on the way).
func (p *Program) SetDouble(name string, v float64) { gl.Uniform1d(p.location(name), v) }

// Dispatch runs the program over groups work groups and waits until its
// writes to storage buffers are visible.
func (p *Program) Dispatch(groups int) {
	gl.DispatchCompute(uint32(groups), 1, 1)
	gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT | gl.SHADER_IMAGE_ACCESS_BARRIER_BIT | gl.TEXTURE_FETCH_BARRIER_BIT | gl.BUFFER_UPDATE_BARRIER_BIT)
}

// Delete frees the program.
func (p *Program) Delete() { gl.DeleteProgram(p.id) }

// Buffer is a shader storage buffer. Its methods run on the device's
// thread.
type Buffer struct {
	id   uint32
	size int // bytes
}

// NewBuffer allocates a buffer holding data (a slice of 4-byte numbers),
// or size zeroed bytes where data is nil.
func NewBuffer[T float32 | int32 | uint32](data []T, size int) *Buffer {
	b := &Buffer{size: max(4, size)}
	if data != nil {
		b.size = max(4, 4*len(data))
	}
	gl.GenBuffers(1, &b.id)
	gl.BindBuffer(gl.SHADER_STORAGE_BUFFER, b.id)
	var ptr unsafe.Pointer
	if len(data) > 0 {
		ptr = unsafe.Pointer(&data[0])
	}
	if data == nil {
		// Zeros uploaded, not glClearBufferData: NVIDIA's driver (580)
		// runs the clear later on the device, after a glBufferSubData
		// that follows it straight away, and wipes what that wrote.
		ptr = unsafe.Pointer(&make([]byte, b.size)[0])
	}
	gl.BufferData(gl.SHADER_STORAGE_BUFFER, b.size, ptr, gl.DYNAMIC_COPY)
	return b
}

// Bind attaches the buffer to a binding point of storage blocks.
// Size returns the buffer's size in bytes.
func (b *Buffer) Size() int { return b.size }

func (b *Buffer) Bind(binding uint32) { gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, binding, b.id) }

// Write replaces the buffer's start with data.
func Write[T float32 | int32 | uint32](b *Buffer, data []T) { WriteAt(b, 0, data) }

// WriteAt replaces the buffer's numbers from offset on with data (the
// driver copies data before it returns: the caller may reuse it).
func WriteAt[T float32 | int32 | uint32](b *Buffer, offset int, data []T) {
	if len(data) == 0 {
		return
	}
	gl.BindBuffer(gl.SHADER_STORAGE_BUFFER, b.id)
	gl.BufferSubData(gl.SHADER_STORAGE_BUFFER, 4*offset, 4*len(data), unsafe.Pointer(&data[0]))
}

// Read fills out from the buffer, starting offset numbers in.
func Read[T float32 | int32 | uint32](b *Buffer, offset int, out []T) {
	if len(out) == 0 {
		return
	}
	gl.BindBuffer(gl.SHADER_STORAGE_BUFFER, b.id)
	gl.GetBufferSubData(gl.SHADER_STORAGE_BUFFER, 4*offset, 4*len(out), unsafe.Pointer(&out[0]))
}

// BufferTexture makes a buffer texture over b whose texels have the
// given internal format, for texelFetch or as an image.
func BufferTexture(b *Buffer, format uint32) uint32 {
	var t uint32
	gl.GenTextures(1, &t)
	gl.BindTexture(gl.TEXTURE_BUFFER, t)
	gl.TexBuffer(gl.TEXTURE_BUFFER, format, b.id)
	gl.BindTexture(gl.TEXTURE_BUFFER, 0)
	return t
}

// Delete frees the buffer.
func (b *Buffer) Delete() { gl.DeleteBuffers(1, &b.id) }
