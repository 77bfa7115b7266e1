// Analysts upload a document (a file, sent as multipart, or pasted text) and then follow its review.
import { api } from './api.js';
import { el, say } from './dom.js';

export function renderSubmit(view) {
  const status = el('p', { id: 'status', className: 'status' });
  const policy = el('select', { id: 'policy', name: 'policy', required: true });
  const file = el('input', { id: 'file', type: 'file', name: 'file', accept: '.pdf,.docx,.html,.htm,.txt,.png,.jpg,.jpeg,.tif,.tiff,text/plain,text/html,application/pdf,image/png,image/jpeg,image/tiff' });
  const fileName = el('input', { id: 'file-name', type: 'text', name: 'fileName', value: 'pasted.txt' });
  const text = el('textarea', { id: 'text', name: 'text', rows: 12 });
  const send = el('button', { type: 'submit', id: 'upload', className: 'primary' }, 'Submit for review');
  view.append(el('form', { className: 'submit', onsubmit: submit },
    el('h1', {}, 'Upload a document'),
    el('label', { htmlFor: 'policy' }, 'Policy'), policy,
    el('label', { htmlFor: 'file' }, 'A file (PDF, DOCX, HTML, text, or a scan: PNG, JPEG, TIFF)'), file,
    el('p', {}, 'or paste its text:'),
    el('label', { htmlFor: 'file-name' }, 'File name'), fileName,
    el('label', { htmlFor: 'text' }, 'Text'), text,
    send, status));
  loadPolicies();

  async function loadPolicies() {
    try {
      const policies = await api('/v1/policies');
      policy.append(...policies.map(p => el('option', { value: p.name }, `${p.name} (${p.checks} checks)`)));
    } catch (error) {
      say(status, error.message, 'error');
    }
  }

  async function submit(event) {
    event.preventDefault();
    const headers = { Prefer: 'wait=5' };
    let request;
    if (file.files.length > 0) {
      const form = new FormData();
      form.append('policy', policy.value);
      form.append('file', file.files[0]);
      request = { form, headers };
    } else if (text.value.trim()) {
      request = { json: { policy: policy.value, document: { fileName: fileName.value || 'pasted.txt', contentType: 'text/plain', text: text.value } }, headers };
    } else {
      say(status, 'Choose a file or paste the text of the document.', 'error');
      return;
    }
    send.disabled = true;
    say(status, 'Uploading…');
    try {
      const review = await api('/v1/reviews', request);
      location.hash = `#/reviews/${review.id}`;
    } catch (error) {
      send.disabled = false;
      say(status, error.message, 'error');
    }
  }
}
