package views

import (
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/experiment"
	"github.com/elmneuron/elm/plots"
)

// TrainNeuronIO runs experiment.TrainNeuronIO with a live progress line of the loss in the
// notebook. When the checkpoint had already reached the budget (nothing trained now), the
// line shows the stored history instead of waiting for a step.
func TrainNeuronIO(title string, cfg elmlib.Config, d *experiment.Data, o experiment.RunOptions,
) (*experiment.Run, error) {
	live := plots.NewProgress(title, "loss", o.Steps)
	user := o.OnProgress
	o.OnProgress = func(p experiment.Progress) {
		live.Add(p.Step, p.Loss)
		if user != nil {
			user(p)
		}
	}
	o.Quiet = true
	run, err := experiment.TrainNeuronIO(cfg, d, o)
	if err != nil {
		return nil, err
	}
	if run.TrainedNow == 0 {
		for i, s := range run.History.Steps {
			live.Add(s, run.History.Loss[i])
		}
	}
	live.Done()
	return run, nil
}
