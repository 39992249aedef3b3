// The attention heat-map: one head's softmax weights (query rows, key columns) over a piece of text,
// drawn on a canvas with the characters along both axes; darker is more attention.

const show = (c) => (c === '\n' ? '↵' : c === ' ' ? '·' : c);

/** White (0) to deep blue (1). */
function color(w) {
  const t = Math.min(1, Math.max(0, w)) ** 0.6; // a gamma so that weak but real attention shows
  const mix = (a, b) => Math.round(a + (b - a) * t);
  return `rgb(${mix(255, 23)}, ${mix(255, 37)}, ${mix(255, 84)})`;
}

/**
 * @param {HTMLCanvasElement} canvas
 * @param {number[][]} weights [query][key], each row summing to 1 over keys <= query
 * @param {string[]} chars the text's characters, one per token
 */
export function drawHeatmap(canvas, weights, chars) {
  const n = weights.length;
  const margin = 18;
  const cell = Math.max(4, Math.floor((Math.min(canvas.parentElement?.clientWidth ?? 480, 520) - margin) / n));
  const ratio = window.devicePixelRatio || 1;
  const size = margin + cell * n;
  canvas.style.width = `${size}px`;
  canvas.style.height = `${size}px`;
  canvas.width = Math.round(size * ratio);
  canvas.height = Math.round(size * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, size, size);
  for (let q = 0; q < n; q++) {
    for (let k = 0; k < n; k++) {
      g.fillStyle = color(weights[q][k]);
      g.fillRect(margin + k * cell, margin + q * cell, cell, cell);
    }
  }
  if (cell >= 7) {
    g.fillStyle = '#334155';
    g.font = `${Math.min(12, cell)}px ui-monospace, monospace`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    chars.forEach((c, i) => {
      g.fillText(show(c), margin + i * cell + cell / 2, margin / 2);
      g.fillText(show(c), margin / 2, margin + i * cell + cell / 2);
    });
  }
}
