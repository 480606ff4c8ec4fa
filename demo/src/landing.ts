/** The landing page: start every backend, show which run here and what wt.init() picks. */
import { probeBackends, renderBanner } from './backends.js';
import { byId, el, setStatus, showError } from './ui.js';

async function main(): Promise<void> {
  setStatus('starting backends…');
  const { chosen, statuses } = await probeBackends();
  renderBanner(byId('banner'), chosen, statuses);
  const body = byId('backends').querySelector('tbody')!;
  for (const s of statuses) {
    const device = s.ok ? Object.entries(s.device).map(([k, v]) => `${k}: ${v}`).join(', ') : (s.reason ?? '');
    body.append(el('tr', {}, el('td', {}, s.name), el('td', { class: s.ok ? 'good' : 'bad' }, s.ok ? 'runs' : 'unavailable'), el('td', {}, device)));
  }
  setStatus(`wt.init() chose ${chosen}`, 'done');
}

main().catch((e) => showError('backend check', e));
