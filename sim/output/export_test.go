package output

// InterchangeSize is interchangeSize, for the tests of EstimateSize.
var InterchangeSize = interchangeSize
