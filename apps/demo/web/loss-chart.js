// The live loss chart (uPlot): training loss per step as a line, validation loss as points at the
// steps where the trainer evaluated. `history` is plain data, so a checkpoint can carry it.
import uPlot from 'uplot';

export const TRAIN_COLOR = '#2563eb';
export const VALIDATION_COLOR = '#ea580c';

export class LossChart {
  /** @param {HTMLElement} element */
  constructor(element) {
    this.element = element;
    this.history = { steps: [], train: [], validation: [] };
    this.plot = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 260,
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, { label: 'loss' }],
        series: [
          { label: 'step' },
          { label: 'train', stroke: TRAIN_COLOR, width: 2, points: { show: false } },
          { label: 'validation', stroke: VALIDATION_COLOR, paths: () => null, points: { show: true, size: 9, fill: VALIDATION_COLOR, stroke: VALIDATION_COLOR } },
        ],
      },
      [[], [], []],
      element,
    );
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(320, element.clientWidth), height: 260 })).observe(element);
  }

  #redraw() {
    const { steps, train, validation } = this.history;
    this.plot.setData([steps, train, validation]);
  }

  addStep(step, loss) {
    this.history.steps.push(step);
    this.history.train.push(loss);
    this.history.validation.push(null);
    this.#redraw();
  }

  addValidation(step, loss) {
    const i = this.history.steps.lastIndexOf(step);
    if (i < 0) return;
    this.history.validation[i] = loss;
    this.#redraw();
  }

  /** Replaces the data (a new run: empty; a resumed one: the checkpoint's history). */
  reset(history = { steps: [], train: [], validation: [] }) {
    this.history = { steps: [...history.steps], train: [...history.train], validation: [...history.validation] };
    this.#redraw();
  }
}
