// Package neuronio loads the NeuronIO data set of Beniaguev, Segev and London ("Single
// cortical neurons as deep artificial neural networks", 2021), as published on Kaggle, in pure
// Go, and streams random training windows from it with bounded memory.
//
// # File format
//
// Each file (named like sim__saved_InputSpikes_DVTs__..._128_simulationRuns__6_secDuration_
// ...p) is one pickle, written by Python 2 with protocol 2, holding a dict:
//
//	Params:  dict; allSegmentsType is a list with one entry per dendritic segment (639),
//	         totalSimDurationInSec the simulation length (6); other entries are ignored.
//	Results: dict; listOfSingleSimulationDicts is a list of simulations (128 per file), each
//	         a dict with
//	  exInputSpikeTimes, inhInputSpikeTimes: dict segment index -> spike times in ms
//	      (whole ms: the simulation drew its inputs on a 1-ms grid); keys and times are
//	      numpy.int64 scalars in lists in the real files, numpy arrays are accepted too;
//	  somaVoltageLowRes: numpy float16 array [duration ms], the somatic voltage in mV at 1 ms;
//	  outputSpikeTimes:  numpy float16 array, somatic spike times in ms;
//	  and high-resolution traces (somaVoltageHighRes, dendriticVoltagesLowRes, ...) that
//	  are not used.
//
// Numpy objects appear in the pickle as calls to numpy.core.multiarray._reconstruct (arrays,
// restored by BUILD with (version, shape, dtype, fortran, raw bytes)), numpy.dtype (kind and
// size such as "f2", then BUILD with the byte order) and numpy.core.multiarray.scalar (dtype
// and raw bytes). Python 2 wrote raw bytes as str opcodes; Python 3 writes them as
// _codecs.encode(text, "latin1"); both are read. float16/32/64, (u)int8..64 and bool, little-
// or big-endian, are decoded. Byte strings larger than 64 KiB are not read unless used, so the
// large unused arrays of the real files (about 1 GB each) cost no memory.
//
// # Conventions (the authors' loader)
//
//   - Input row i < n (n = len(allSegmentsType) = 639) is the excitatory synapse of segment i,
//     row n+i its inhibitory synapse; the model input is +1 for excitatory and -1 for
//     inhibitory spikes (data.Simulation.Sign).
//   - An input spike at time t ms goes to bin t (a non-integer time to bin floor(t)); several
//     spikes of one input in one bin count once.
//   - An output spike at time t ms goes to bin int(t - 0.5), truncated towards zero as in
//     Python (so 0.3 ms is bin 0).
//   - The soma trace is kept in mV as stored (float16 values converted exactly), unclipped.
//
// # Streaming
//
// WindowSource draws random windows (500 ms by default) from a list of files while holding
// only a few files' simulations in memory (about 13 MB per 128-simulation file), replacing one
// file after a set number of batches. It is seeded and deterministic.
//
// Limitations: object arrays, structured dtypes, pickle persistent ids and extension codes are
// not supported (NeuronIO uses none); multi-dimensional arrays are only skipped, never
// decoded; all files of one WindowSource must have the same number of segments.
package neuronio
