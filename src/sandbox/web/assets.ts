/**
 * The sandbox page's static HTML and CSS. The page's script is compiled from ./page/*.ts
 * (tsconfig.page.json) and served as /page/page.js.
 */

export const INDEX_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>#ops · Sandbox</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/page.css">
<script type="module" src="/page/page.js"></script>
</head>
<body>
<div id="app">
  <main id="channel" aria-label="Channel">
    <header id="channel-header">
      <h1 id="channel-name">#ops</h1>
      <span class="sandbox-badge">Sandbox — nothing here talks to real Slack or Stuut</span>
    </header>
    <div id="connection" class="connection" role="status" hidden>
      Can't reach the sandbox server. Is <code>npm start</code> still running?
    </div>
    <div id="messages" aria-live="polite"></div>
    <form id="composer" autocomplete="off">
      <div id="local-hint" class="local-hint" role="status" hidden></div>
      <div class="composer-row">
        <input id="message-input" type="text" placeholder="Type /contact help" aria-label="Message #ops" spellcheck="false" autofocus>
        <button id="send" type="submit" class="btn btn-primary">Send</button>
      </div>
    </form>
  </main>
  <aside id="side-panel" aria-label="Emulated Stuut and the contact book">
    <section class="panel-section">
      <h2>Stuut <span class="muted">(emulated)</span> and the contact book</h2>
      <p class="panel-note">Contacts exactly as stored. <span class="null">null</span> is a field with no value.</p>
      <p id="book-note" class="panel-note book-note" hidden>Under each, shaded: what the bot's contact book (<span id="book-engine">sqlite</span>) remembers of it, where from and when, and its version. A value that differs from Stuut's is marked, with Stuut's under it. Click a contact for its history.</p>
      <p class="panel-note">Under a contact with roles: each of Stuut's assignments (role, partner and its id, assignment id) and whether the book knows it.</p>
      <p id="book-error" class="book-error" role="status" hidden></p>
      <p id="book-roles-error" class="book-error" role="status" hidden></p>
      <div class="table-wrap">
        <table id="contacts">
          <thead>
            <tr><th><span class="visually-hidden">where</span></th><th>email</th><th>names</th><th>phone</th><th>job title</th><th>modified_at / known</th></tr>
          </thead>
          <tbody></tbody>
        </table>
      </div>
    </section>
    <section id="partners-section" class="panel-section">
      <h3>Partners <span class="muted">(Stuut's customers)</span></h3>
      <p class="panel-note">Copy a partner id into <code>/contact assign</code>. In the real Stuut it is on the customer's page.</p>
      <div class="table-wrap">
        <table id="partners">
          <thead>
            <tr><th>name</th><th>partner id</th><th>roles</th></tr>
          </thead>
          <tbody></tbody>
        </table>
      </div>
    </section>
    <section id="members-section" class="panel-section">
      <h3>Slack members <span class="muted">(emulated workspace)</span></h3>
      <p class="panel-note">Each person's Slack profile. <b>Edit profile</b> changes a title or phone as the member would in Slack: Slack then sends the bot a <code>user_change</code> event.</p>
      <div class="table-wrap">
        <table id="members">
          <thead>
            <tr><th>name</th><th>email</th><th>title</th><th>phone</th><th><span class="visually-hidden">edit</span></th></tr>
          </thead>
          <tbody></tbody>
        </table>
      </div>
      <p id="members-hidden" class="panel-note members-hidden" hidden></p>
    </section>
    <section id="history" class="panel-section" aria-live="polite" hidden>
      <div class="history-head">
        <h3>History of <span id="history-name"></span> <span id="history-id" class="mono muted"></span></h3>
        <button type="button" id="history-close" class="history-close" aria-label="Close the history">×</button>
      </div>
      <p class="panel-note">From the contact book, newest first: who saved, when, how, and each field from before to after.</p>
      <p id="history-error" class="book-error" role="status" hidden></p>
      <p id="history-empty" class="null" hidden></p>
      <ol id="history-list"></ol>
      <button type="button" id="history-older" class="fault-clear" hidden>Show older changes</button>
    </section>
    <section class="panel-section">
      <h3>Next Stuut request</h3>
      <p class="panel-note">Queue a fault, then save a contact: each queued fault answers one request, in order.</p>
      <div class="fault-switches">
        <button type="button" class="fault-switch" data-fault="slow" aria-pressed="false">Slow (5 s)</button>
        <button type="button" class="fault-switch" data-fault="429" aria-pressed="false">429</button>
        <button type="button" class="fault-switch" data-fault="500" aria-pressed="false">500</button>
        <button type="button" class="fault-switch" data-fault="503" aria-pressed="false">503</button>
        <button type="button" class="fault-switch" data-fault="422" aria-pressed="false" title="Stuut refuses the phone field, whatever was changed">422 (phone)</button>
        <button type="button" class="fault-switch" data-fault="reset" aria-pressed="false">Reset connection</button>
      </div>
      <div id="pending-faults" class="pending-faults"></div>
      <button type="button" id="clear-faults" class="fault-clear">Clear queued faults</button>
    </section>
    <section class="panel-section">
      <h3>Warnings</h3>
      <ul id="warnings"></ul>
      <p id="warnings-empty" class="null">None. Things real Slack would only warn about show up here.</p>
    </section>
  </aside>
</div>
<div id="modal-root"></div>
</body>
</html>
`;

export const PAGE_CSS: string = `
*, *::before, *::after { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body {
  font: 15px/1.46668 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1d1c1d;
  background: #fff;
}
button, input, select, textarea { font: inherit; color: inherit; }
code, pre, .mono { font-family: Monaco, Menlo, Consolas, "Courier New", monospace; }
[hidden] { display: none !important; }

#app { display: grid; grid-template-columns: minmax(0, 1fr) 600px; height: 100vh; }

/* Channel ------------------------------------------------------------------------------- */
#channel { display: flex; flex-direction: column; min-width: 0; min-height: 0; }
#channel-header {
  display: flex; align-items: center; gap: 12px; flex-wrap: wrap;
  padding: 10px 20px; border-bottom: 1px solid #ddd;
}
#channel-name { font-size: 18px; font-weight: 900; margin: 0; }
.sandbox-badge {
  font-size: 12px; font-weight: 700; color: #8a5a00; background: #fff4d6;
  border: 1px solid #f2c744; border-radius: 12px; padding: 2px 10px;
}
.connection { background: #fde8ec; color: #a01040; padding: 6px 20px; font-size: 13px; }
#messages { flex: 1; overflow-y: auto; padding: 12px 0; }
.empty-state { color: #616061; padding: 24px 20px; font-size: 14px; }
.empty-state p { margin: 0 0 6px; }

.message { display: flex; gap: 8px; padding: 8px 20px; }
.message:hover { background: #f8f8f8; }
.message-private { background: #f7fafc; }
.avatar {
  flex: 0 0 36px; height: 36px; border-radius: 6px; background: #4a154b; color: #fff;
  display: flex; align-items: center; justify-content: center; font-size: 13px; font-weight: 700;
}
.message-body { flex: 1; min-width: 0; }
.only-you { font-size: 12px; color: #616061; margin-bottom: 2px; }
.only-you::before { content: "\\1F441\\FE0F  "; }
.message-meta { display: flex; align-items: baseline; gap: 6px; }
.author { font-weight: 900; }
.app-tag {
  font-size: 10px; font-weight: 700; color: #616061; background: #e8e8e8;
  border-radius: 2px; padding: 0 3px; line-height: 16px;
}
.message-time { font-size: 12px; color: #616061; }
.message-content { margin-top: 2px; }

#composer { padding: 8px 20px 16px; }
.composer-row { display: flex; gap: 8px; border: 1px solid #bbb; border-radius: 8px; padding: 6px; }
.composer-row:focus-within { border-color: #1264a3; box-shadow: 0 0 0 1px #1264a3; }
#message-input { flex: 1; border: 0; outline: 0; padding: 4px 6px; min-width: 0; }
.local-hint { font-size: 13px; color: #616061; background: #f4f4f4; border-radius: 6px; padding: 4px 10px; margin-bottom: 6px; }

/* Buttons ------------------------------------------------------------------------------- */
.btn {
  border: 1px solid #bbb; background: #fff; border-radius: 6px; padding: 3px 12px;
  font-size: 14px; font-weight: 700; cursor: pointer; min-height: 30px;
}
.btn:hover { background: #f6f6f6; }
.btn-primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.btn-primary:hover { background: #148567; }
.btn-danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.btn-danger:hover { background: #e23067; }
.btn:disabled { opacity: 0.6; cursor: default; }

/* Blocks -------------------------------------------------------------------------------- */
.blocks { display: flex; flex-direction: column; gap: 6px; }
.mrkdwn, .plain-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.mrkdwn code {
  font-size: 12px; color: #c01343; background: #f4f4f4; border: 1px solid #e2e2e2;
  border-radius: 3px; padding: 1px 3px;
}
.mrkdwn-pre {
  font-size: 12px; background: #f8f8f8; border: 1px solid #e2e2e2; border-radius: 4px;
  padding: 8px; margin: 4px 0; white-space: pre-wrap;
}
.mrkdwn a { color: #1264a3; text-decoration: none; }
.mrkdwn a:hover { text-decoration: underline; }
.mention { color: #1264a3; background: #e8f5fa; border-radius: 3px; padding: 0 2px; }
.mention-special { color: #8a5a00; background: #fff1c4; }
.mrkdwn-date { border-bottom: 1px dotted #999; }
.mrkdwn-not-link { border-bottom: 1px dashed #e01e5a; }
.header-text { font-size: 18px; font-weight: 900; margin: 4px 0; }
.section-body { display: flex; gap: 12px; align-items: flex-start; }
.section-main { flex: 1; min-width: 0; }
.section-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin-top: 4px; }
.section-accessory { flex: 0 0 auto; }
.accessory-image { width: 72px; height: 72px; border-radius: 6px; object-fit: cover; }
.context-body { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; font-size: 12px; color: #616061; }
.context-image { width: 16px; height: 16px; border-radius: 3px; }
.divider { border: 0; border-top: 1px solid #ddd; margin: 4px 0; width: 100%; }
.actions-body { display: flex; flex-wrap: wrap; gap: 8px; }
.block-image-img, .element-image { max-width: 360px; border-radius: 6px; }
.block-unsupported, .external-note { font-size: 12px; color: #8d8d8d; }
.external-select { display: flex; align-items: center; gap: 8px; }
.combobox { position: relative; }
.combobox-list {
  position: absolute; left: 0; right: 0; top: calc(100% + 2px); z-index: 20; margin: 0; padding: 4px 0;
  list-style: none; background: #fff; border: 1px solid #bbb; border-radius: 6px;
  box-shadow: 0 4px 12px rgba(0, 0, 0, 0.15); max-height: 240px; overflow-y: auto;
}
.combobox-option { padding: 6px 12px; cursor: pointer; overflow-wrap: anywhere; }
.combobox-option.active { background: #1264a3; color: #fff; }
.combobox-note { padding: 6px 12px; color: #616061; font-size: 13px; }

/* Inputs -------------------------------------------------------------------------------- */
.block-input { display: flex; flex-direction: column; gap: 4px; margin: 4px 0; }
.input-label { font-weight: 700; font-size: 15px; }
.input-optional { font-weight: 400; color: #616061; }
.input-hint { font-size: 13px; color: #616061; }
.text-input, .select {
  width: 100%; border: 1px solid #bbb; border-radius: 6px; padding: 8px 10px; background: #fff;
}
textarea.text-input { resize: vertical; }
.text-input:focus, .select:focus { outline: 0; border-color: #1264a3; box-shadow: 0 0 0 3px rgba(29, 155, 209, 0.3); }
.has-error .text-input, .has-error .select { border-color: #e01e5a; box-shadow: 0 0 0 1px #e01e5a; }
.input-error { color: #e01e5a; font-size: 13px; }
.input-error::before { content: "\\26A0\\FE0F  "; }
.checkbox-group, .radio-group { display: flex; flex-direction: column; gap: 4px; }
.option { display: flex; gap: 8px; align-items: flex-start; cursor: pointer; }
.option input { margin-top: 4px; }
.option-description { font-size: 13px; color: #616061; }

/* Modal --------------------------------------------------------------------------------- */
/* The overlay leaves the side panel usable, so faults can be queued with the form open. */
.modal-overlay {
  position: fixed; top: 0; left: 0; bottom: 0; right: 600px; background: rgba(0, 0, 0, 0.45);
  display: flex; align-items: center; justify-content: center; z-index: 10; padding: 24px;
}
.modal-form { display: contents; }
.modal {
  background: #fff; border-radius: 8px; width: 540px; max-width: 100%; max-height: 90vh;
  display: flex; flex-direction: column; box-shadow: 0 18px 48px rgba(0, 0, 0, 0.35);
}
.modal-header { display: flex; align-items: center; justify-content: space-between; padding: 16px 24px; border-bottom: 1px solid #ddd; }
.modal-title { font-size: 20px; font-weight: 900; margin: 0; }
.modal-x { border: 0; background: none; font-size: 24px; line-height: 1; cursor: pointer; color: #616061; padding: 0 4px; }
.modal-body { padding: 16px 24px; overflow-y: auto; }
.modal-body .blocks { gap: 12px; }
.modal-status { color: #e01e5a; font-size: 13px; padding: 0 24px 8px; white-space: pre-wrap; }
.modal-footer { display: flex; justify-content: flex-end; gap: 8px; padding: 14px 24px; border-top: 1px solid #ddd; }
.busy { cursor: progress; }

/* Side panel ---------------------------------------------------------------------------- */
#side-panel { border-left: 1px solid #ddd; background: #f8f8f8; overflow-y: auto; font-size: 13px; }
.panel-section { padding: 12px 16px; border-bottom: 1px solid #e4e4e4; }
.panel-section h2 { font-size: 16px; margin: 0 0 4px; }
.panel-section h3 { font-size: 14px; margin: 0 0 8px; }
.panel-note { margin: 0 0 8px; color: #616061; font-size: 12px; }
.muted, .null { color: #8d8d8d; }
.null { font-style: italic; }
.table-wrap { overflow-x: auto; }
#contacts { border-collapse: collapse; width: 100%; font-size: 12px; background: #fff; }
#contacts th, #contacts td { border: 1px solid #e2e2e2; padding: 3px 5px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
#contacts th { background: #f0f0f0; font-weight: 700; white-space: nowrap; }
#contacts td.mono, #contacts .mono { font-size: 11px; white-space: nowrap; }
#contacts td[data-field="phone"] { white-space: nowrap; }
#contacts td[data-field="names"] { overflow-wrap: normal; min-width: 96px; }
#contacts tbody.contact-group { border-top: 2px solid #c8c8c8; }
#contacts tr.group-head td { background: #f0f0f0; padding: 2px 5px; }
#contacts tr.group-head .book-status { margin-left: 8px; }
#contacts td.row-label { width: 1%; white-space: nowrap; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.fault-clear { margin-top: 8px; border: 0; background: none; color: #1264a3; cursor: pointer; padding: 0; font-size: 12px; }
#contacts td[data-field="modified_at"] { font-size: 11px; min-width: 80px; }
.field-key { color: #8d8d8d; font-size: 10px; }
#contacts tbody.changed td { animation: flash 2.5s ease-out; }
.row-label { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; font-size: 10px; font-weight: 700; color: #8d8d8d; text-transform: uppercase; letter-spacing: 0.03em; }
#contacts tr.book-row td { background: #f1f6fa; }
#contacts tr.book-row td[data-field="source"] { font-size: 11px; min-width: 80px; }
.book-version { text-transform: none; font-weight: 400; }
.book-source { font-weight: 700; }
.book-seen { color: #616061; }
.book-status { font-size: 10px; color: #616061; }
.book-status-differs, .book-status-missing, .book-status-book_only { color: #a01040; font-weight: 700; }
#contacts tr.book-row td.differs, #contacts tr.book-row .name-line.differs { background: #fde8ec; }
.stuut-value { color: #a01040; font-size: 11px; }
#contacts tr.book-missing td { background: #fff4d6; }
.book-absent { color: #8a5a00; font-style: italic; }
.book-note { margin-top: -4px; }
.book-error { margin: 0 0 8px; color: #a01040; font-size: 12px; }
#contacts tbody.contact-group { cursor: pointer; }
#contacts tbody.selected { outline: 2px solid #1264a3; outline-offset: -2px; }
#contacts tbody.selected tr.group-head td { background: #e8f5fa; }
.history-button {
  float: right; border: 1px solid #bbb; background: #fff; border-radius: 10px; padding: 0 8px;
  font-size: 11px; cursor: pointer; line-height: 16px;
}
.history-button:hover, .history-button[aria-pressed="true"] { border-color: #1264a3; color: #1264a3; }
.history-head { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; }
.history-close { border: 0; background: none; font-size: 18px; line-height: 1; cursor: pointer; color: #616061; }
#history-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.history-item { background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; padding: 5px 8px; }
.history-item.changed { animation: flash 2.5s ease-out; }
.history-item.history-undone .history-fields { text-decoration: line-through; text-decoration-color: #8d8d8d; }
.history-meta { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 8px; }
.history-id { color: #8d8d8d; font-size: 11px; }
.history-who { font-weight: 700; }
.history-when { color: #616061; }
.history-source { font-size: 11px; background: #f0f0f0; border-radius: 8px; padding: 0 6px; }
.history-source-undo { background: #e8f5fa; color: #1264a3; }
.history-undone-mark { font-size: 11px; font-weight: 700; color: #a01040; background: #fde8ec; border-radius: 8px; padding: 0 6px; }
.history-fields { margin: 3px 0 0; padding: 0; list-style: none; overflow-wrap: anywhere; }
.history-arrow { color: #8d8d8d; }
.history-note { color: #8d8d8d; font-size: 11px; margin-top: 2px; }
.message.changed { animation: flash 2.5s ease-out; }
@keyframes flash { from { background: #fff1a8; } to { background: #fff; } }
.fault-switches { display: flex; flex-wrap: wrap; gap: 6px; }
.fault-switch {
  border: 1px solid #bbb; background: #fff; border-radius: 14px; padding: 2px 10px;
  font-size: 12px; cursor: pointer;
}
.fault-switch:hover { border-color: #1264a3; }
.fault-switch.queued { background: #fde8ec; border-color: #e01e5a; color: #a01040; font-weight: 700; }
.pending-faults { margin-top: 8px; font-size: 12px; }
.fault-chip { display: inline-block; background: #fde8ec; color: #a01040; border-radius: 10px; padding: 0 8px; margin-right: 4px; }
#contacts tr.roles-row td { background: #fbfbf4; }
ul.assignments { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 2px; }
.assignment { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 8px; }
.assignment-role { font-weight: 700; }
.assignment-floating { color: #616061; font-style: italic; }
.assignment-id { color: #8d8d8d; font-size: 10px; }
.assignment-book { font-size: 10px; color: #616061; }
.assignment-book-missing, .assignment-book-differs, .assignment-book-book_only { color: #a01040; font-weight: 700; }
.partner-id { user-select: all; font-size: 11px; background: #f4f4f4; border: 1px solid #e2e2e2; border-radius: 3px; padding: 0 3px; }
#partners { border-collapse: collapse; width: 100%; font-size: 12px; background: #fff; }
#partners th, #partners td { border: 1px solid #e2e2e2; padding: 3px 5px; text-align: left; vertical-align: top; }
#partners th { background: #f0f0f0; font-weight: 700; white-space: nowrap; }
#partners td[data-field="id"] { white-space: nowrap; }
.copy-button {
  margin-left: 6px; border: 1px solid #bbb; background: #fff; border-radius: 10px; padding: 0 8px;
  font-size: 11px; cursor: pointer; line-height: 16px;
}
.copy-button:hover { border-color: #1264a3; color: #1264a3; }
.history-role .history-after { font-weight: 700; }
#members { border-collapse: collapse; width: 100%; font-size: 12px; background: #fff; }
#members th, #members td { border: 1px solid #e2e2e2; padding: 3px 5px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
#members th { background: #f0f0f0; font-weight: 700; white-space: nowrap; }
#members td[data-field="phone"] { white-space: nowrap; }
.member-real-name { font-weight: 700; }
.member-handle { font-size: 11px; }
.member-handle .mono { font-size: 10px; }
td.member-actions { width: 1%; white-space: nowrap; }
.member-edit {
  border: 1px solid #bbb; background: #fff; border-radius: 10px; padding: 0 8px;
  font-size: 11px; cursor: pointer; line-height: 16px;
}
.member-edit:hover, .member-edit[aria-expanded="true"] { border-color: #1264a3; color: #1264a3; }
#members tr.member-edit-row td { background: #f1f6fa; }
.member-form { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 6px 10px; }
.member-field { display: flex; flex-direction: column; gap: 2px; flex: 1 1 160px; }
.member-field-label { font-weight: 700; font-size: 11px; }
.member-input { border: 1px solid #bbb; border-radius: 4px; padding: 3px 6px; font-size: 12px; width: 100%; }
.member-input:focus { outline: 0; border-color: #1264a3; box-shadow: 0 0 0 2px rgba(29, 155, 209, 0.3); }
.member-buttons { display: flex; gap: 6px; }
.member-buttons .btn { font-size: 12px; min-height: 24px; padding: 1px 10px; }
.member-form-note { flex-basis: 100%; margin: 0; }
.member-note { font-size: 12px; }
.member-note-acknowledged { color: #007a5a; }
.member-note-unchanged { color: #616061; }
.member-note-unacknowledged, .member-note-error { color: #a01040; font-weight: 700; }
.members-hidden { margin: 6px 0 0; }
#warnings { margin: 0; padding-left: 18px; }
.warning { color: #8a5a00; margin-bottom: 4px; overflow-wrap: anywhere; }
#warnings-empty { margin: 0; }

@media (max-width: 900px) {
  #app { grid-template-columns: 1fr; grid-template-rows: minmax(0, 1fr) auto; }
  #side-panel { border-left: 0; border-top: 1px solid #ddd; max-height: 40vh; }
  .modal-overlay { right: 0; }
}
`;
