// Browser code: an avatar drawn from the comment's keyed hash (hex), in the browser: a
// 5×5 mirrored pattern and a hue, like GitHub's identicons. No avatar service is asked.

const SVG = 'http://www.w3.org/2000/svg';

export function identicon(hash: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 5 5');
  svg.setAttribute('class', 'av');
  svg.setAttribute('aria-hidden', 'true');
  const hex = /^[0-9a-f]{18,}$/i.test(hash) ? hash.toLowerCase() : '';
  const hue = hex ? parseInt(hex.slice(15, 18), 16) % 360 : 0;
  const back = document.createElementNS(SVG, 'rect');
  back.setAttribute('width', '5');
  back.setAttribute('height', '5');
  back.setAttribute('fill', hex ? `hsl(${hue} 45% 90%)` : '#ccc');
  svg.appendChild(back);
  if (!hex) return svg;
  let d = '';
  // Columns 0-2, mirrored onto 4-3; one hex digit's low bit per cell.
  for (let i = 0; i < 15; i++) {
    if (!(parseInt(hex[i], 16) & 1)) continue;
    const x = Math.floor(i / 5);
    const y = i % 5;
    d += `M${x} ${y}h1v1h-1z`;
    if (x < 2) d += `M${4 - x} ${y}h1v1h-1z`;
  }
  const cells = document.createElementNS(SVG, 'path');
  cells.setAttribute('d', d);
  cells.setAttribute('fill', `hsl(${hue} 55% 42%)`);
  svg.appendChild(cells);
  return svg;
}
