// Package teacher generates NeuronIO-shaped data offline from a small, deterministic
// multi-compartment neuron with NMDA synapses: the "teacher" that the ELM neuron learns to
// imitate when the real NeuronIO files (a detailed layer-5 pyramidal cell, 115 GB) are not
// at hand.
//
// # Use
//
//	cfg := teacher.DefaultConfig()       // 128 simulations × 6 s, seed 0
//	sims, err := teacher.Cached(dir, cfg) // generate once, then read dir/teacher-….bin
//	train, test, err := data.SplitSimulations(sims, 112)
//	src, err := data.NewWindowSampler(train, 500, 8, seed) // random 500-ms windows
//
// Each [data.Simulation] has 1278 inputs (inputs 0..638 are the excitatory synapses of
// sites 0..638, inputs 639..1277 the inhibitory synapses of the same sites), the soma
// voltage in mV at every 1-ms bin, and the output spike bins.
//
// # Model
//
// The cell is calibration "teacher B" of the project's note shared/notes/teacher-neuron.md.
// Units: mV, ms, pF, nS, pA.
//
//   - Morphology: a soma (2500 µm², 25 pF, 1.25 nS) and 47 passive cylindrical
//     compartments: 8 basal branches of 3 (60/80/100 µm, diameters 1.0/0.7/0.5 µm), an
//     apical trunk of 3 (150 µm each, 3.0/2.5/2.0 µm), 4 two-compartment obliques
//     (2 × 60 µm, 0.8/0.6 µm; two on trunk0, two on trunk1) and 6 two-compartment tuft
//     branches on trunk2 (100/150 µm, 0.8/0.5 µm). Membrane 1 µF/cm² and 20 kΩ·cm²
//     (τ = 20 ms), spine factor 2 on the dendrites, E_L = -70 mV, axial 100 Ω·cm between
//     the midpoints of neighbouring cylinders.
//   - Sites: 639, listed compartment by compartment (basal branches, trunk, obliques, tuft;
//     proximal to distal), so neighbouring indices are neighbours on the tree as in
//     NeuronIO. Basal compartments hold 9/12/14 sites, trunk 22, obliques 9, tuft 15/22
//     (21 on the last one): 280 basal and 359 apical sites.
//   - Synapses: conductance-based, peak-normalised double exponentials. AMPA 0.2 nS,
//     0.3/3 ms; NMDA 0.5 nS, 2/70 ms, Mg²⁺ block 1/(1 + exp(-0.08·v)·[Mg]/3.57) with
//     [Mg] = 1 mM; GABA_A 1.1 nS, 0.2/8 ms; reversals 0, 0 and -80 mV. Each site has one
//     excitatory (AMPA+NMDA) and one inhibitory synapse. Since the kinetics are linear in
//     the events, the synapses of one compartment and type share one rise/decay state pair.
//   - Soma: adaptive exponential integrate-and-fire (AdEx): I = g_exp·ΔT·exp((v−V_T)/ΔT)
//     with g_exp = 100 nS, ΔT = 2 mV, V_T = -55 mV; a spike when v reaches 0 mV, then
//     v = -60 mV clamped for 2 ms; adaptation τ_w dw/dt = a(v − E_L) − w with a = 2 nS,
//     τ_w = 150 ms, and w += 40 pA per spike. g_exp must exceed the dendritic load on the
//     soma, otherwise the soma can sit above V_T without firing.
//
// Why AdEx rather than Hodgkin–Huxley channels: the learner sees only 1-ms spike bins and
// the soma voltage clipped at -55 mV, so the action-potential shape carries no information;
// what matters is a sharp, reproducible threshold, a reset and adaptation that make bursts
// end. AdEx gives those with one exponential per step, whereas HH sodium gating would need
// a step of about 0.025 ms and several exponentials per step (four times the cost or
// more). All the nonlinear dendritic integration the ELM must learn lives in the NMDA
// synapses and the passive tree, which are simulated in full.
//
// # Input
//
// NeuronIO's generator, per simulation: a rate-interval length (25–450 ms plus an integer
// jitter in -19..19) and a smoothing width σ (25–600 ms plus jitter); per interval and per
// tree (basal, apical) an excitatory count per 100 ms U[0, 800]·D and an inhibitory count
// U[max(0, exc−600), exc+200], shared evenly by the tree's sites and multiplied per site
// and interval by U(0.5, 1.5). D ~ U(0.1, 1) is a per-simulation drive factor that spreads
// the output from silence to bursts. The piecewise-constant rates are smoothed with zero
// padding (so they sag at both ends), and each site fires in a 1-ms bin with probability
// 1 − exp(−rate·1 ms), at most once per bin. Simulation i draws from a PCG stream seeded by
// a SplitMix64 hash of (Seed, i): it does not depend on the other simulations or on the
// number of workers.
//
// # Numerics and recording
//
// Crank–Nicolson at dt = 0.1 ms (Config.DtMS): each step is a backward-Euler half step
// solved exactly on the tree (Hines elimination, leaves to soma and back) followed by
// v ← 2·v(t+dt/2) − v(t). Synaptic conductances are taken at t+dt/2, the Mg block and the
// AdEx exponential at the extrapolated midpoint v + (v − v_prev)/2. A spike is detected on
// the soma after elimination, and the soma is reset before back-substitution so that the
// dendrites see the reset soma; a clamped or reset soma is set back to V_reset after the
// extrapolation. Input events of bin t are delivered at t ms, after v[t] is sampled, so
// v[t] does not depend on the input of bin t. An output spike is labelled with the bin in
// which the soma crosses 0 mV; the sample after a spike is +30 mV (an action-potential
// stand-in that clipping at -55 mV removes).
//
// The step is a choice, not an approximation to be refined: the cell is chaotic at the
// spike level (in the prototype a 1e-6 mV nudge of the initial voltage moved 9 % of the
// output spikes to another bin over 6 s), so each dt defines its own deterministic teacher.
// The test TestHalvingDtKeepsSpikes bounds the difference between dt = 0.1 and 0.05 ms on
// 8 simulations of 3 s: spike counts within 5 %, at most 5 % of spikes without a partner
// within ±5 ms, at least half of the pairs in the same bin, clipped soma RMSE under 0.5 mV.
// Measured on 16 × 6 s (seed 7): 251 against 252 spikes, 5 unmatched, 69 % in the same bin,
// RMSE 0.21 mV.
//
// The passive responses reproduce the numpy prototype of the calibration note to its
// printed digits (TestPassiveMatchesPrototype): e.g. 32 synchronous events on a distal
// basal compartment give an NMDA plateau at -10 mV and 505 mV·ms of somatic depolarisation
// against 233 mV·ms when spread over the 8 distal basal compartments (63 against 119 with
// NMDA off).
//
// # Data statistics
//
// Default settings, 128 simulations × 6 s (go test ./data/teacher -run OutputStatistics -v):
//
//	seed 0: output rate mean 3.87 Hz, median 0.17 Hz, 90th percentile 14.2 Hz, max 40.8 Hz;
//	        64 of 128 silent, 100 with at most 24 spikes; inputs 6.5 Hz per channel;
//	        soma 1/5/25/50/75/95/99 % = -75.9/-74.2/-72.3/-70.3/-68.0/-61.8/-56.2 mV,
//	        0.7 % of samples above -55 mV; median ISI 6 ms, 70 % of ISIs under 10 ms
//	seed 1: mean 2.75 Hz, 67 of 128 silent, max 23.3 Hz
//
// The inhibitory peak conductance (1.1 nS against the note's 0.9 nS) was chosen so that
// seed 0 matches the note's teacher-B statistics (3.6 Hz, 51 % silent) with this package's
// smoothing filter: 0.9 / 1.0 / 1.1 / 1.2 nS gave 5.8 / 4.7 / 3.9 / 3.3 Hz. Firing comes in
// NMDA-plateau-driven bursts.
//
// # Speed
//
// About 0.09 s per 6-s simulation on one core (0.04 s of it the input draw), so the default
// 128 simulations take about 7 s on 2 idle cores (go test ./data/teacher -run '^$' -bench
// GenerateDefault -benchtime 1x; 20 s measured while 8 other jobs shared the 2 cores).
// A cache file holds about 0.1 MB per simulation.
//
// # Is the teacher worth fitting?
//
// Yes: on the default set (104 training, 8 validation and 16 test simulations, seed 0) a
// linear model of the inputs explains clearly less of the somatic voltage than a d_m 20
// Branch-ELM. Measured 2026-12-04 on the 16 held-out simulations, raw protocol (all
// simulations, 500-ms windows with 150-ms burn-in), with elmlib/experiment:
//
//	model                                            params  soma EV  RMSE mV  spike AUC
//	linear: ridge on filtered rates (elmlib/linear)    1082    0.726     1.93     0.978
//	ELM v1 d_m 20, 1000 steps (58 s, Adam 5e-4)        8002    0.819     1.62     0.972
//	ELM v1 d_m 20, 3000 steps (166 s)                  8002    0.883     1.26     0.988
//
// (Batches of 8 windows of 500 ms, constant learning rate. Under the authors' protocol,
// on the simulations with at most 24 output spikes, the 3000-step ELM reaches EV 0.931,
// RMSE 0.80 mV and AUC 0.994 against the linear model's 0.816, 1.32 mV and 0.977.)
// The note's numpy prototype of the same cell measured ridge 0.711 / 0.946 against ELM
// d_m 20 0.885 / 0.970 on 64 training simulations.
//
// # Limitations
//
//   - It is a stand-in, not a model of NeuronIO's L5PC: passive dendrites (no dendritic
//     sodium or calcium spikes), a point-like AdEx spike generator and 48 compartments.
//   - Release is deterministic; NeuronIO probably released with probability about 0.63.
//   - The Gaussian rate smoothing is approximated by three box filters of the same total
//     variance (support ±3σ instead of ±3.5σ).
//   - Spike trains are reproducible for a given Config on one architecture. The Go compiler
//     may fuse multiply-adds on arm64, ppc64 and s390x but not on amd64, so spike timing
//     can differ between them (statistics do not); cache files are portable.
//   - A change of the model code changes the data for the same Config; such a change must
//     bump generatorVersion in cache.go so that old cache files are not reused.
package teacher
