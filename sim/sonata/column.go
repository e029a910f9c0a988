package sonata

import "neurite/sim/hdf5"

// column is a dataset written while a run goes: its values are kept in
// memory until limit of them wait, then go to a chunked dataset (made
// then) that grows as the run goes; one that never outgrows its buffer
// is written at the end as one contiguous dataset, as the SONATA
// libraries write small reports.
type column[T hdf5.Elem] struct {
	group     *hdf5.Group
	name      string
	units     string // its "units" attribute; none where ""
	cols      int    // values per row; 0 for a one-dimensional dataset
	chunkRows int
	limit     int
	stream    *hdf5.Stream[T] // nil until the buffer first fills
	buf       []T
}

// add appends values (whole rows), flushing them to the file once limit
// wait.
func (c *column[T]) add(x ...T) error {
	c.buf = append(c.buf, x...)
	if len(c.buf) < c.limit {
		return nil
	}
	if c.stream == nil {
		var err error
		if c.stream, err = hdf5.CreateStream[T](c.group, c.name, c.cols, c.chunkRows); err != nil {
			return err
		}
		if err := c.setUnits(c.stream.Dataset); err != nil {
			return err
		}
	}
	err := c.stream.Append(c.buf)
	c.buf = c.buf[:0]
	return err
}

// finish writes what waits: appended to the chunked dataset if there is
// one, else as a contiguous dataset.
func (c *column[T]) finish() error {
	if c.stream != nil {
		err := c.stream.Append(c.buf)
		c.buf = c.buf[:0]
		return err
	}
	var dims []int
	if c.cols > 0 {
		dims = []int{len(c.buf) / c.cols, c.cols}
	}
	d, err := hdf5.Write(c.group, c.name, c.buf, dims...)
	if err != nil {
		return err
	}
	defer d.Close()
	return c.setUnits(d)
}

func (c *column[T]) setUnits(d *hdf5.Dataset) error {
	if c.units == "" {
		return nil
	}
	return d.SetAttr("units", c.units)
}
