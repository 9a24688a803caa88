// Package elmlib implements the Expressive Leaky Memory (ELM) neuron of Spieler et al.
// (ICLR 2024, arXiv 2306.16922) in GoMLX: configuration, parameters, forward pass,
// training, checkpoints and import of the authors' published models.
//
// Two cells are provided, each with its own configuration type:
//
//   - SynapseTraceConfig: ELM v1, one trace per synapse. All of the authors' published
//     NeuronIO models are this cell (the paper's "Branch-ELM" when it has branches).
//   - BranchTraceConfig: Branch-ELM v2, the authors' later implementation with one trace
//     per branch and memory gain 1-exp(-Δt·λ/τ_m).
package elmlib
