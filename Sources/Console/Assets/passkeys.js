// Latchkey console: passkeys (SPEC §10), the one script, served from 'self'. Forms marked
// data-passkey stay hidden without it (the console then works with TOTP codes). On submit it
// asks the form's data-options URL for a challenge, runs the WebAuthn ceremony and posts the
// result in the form's hidden fields (base64url).
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function encode(buffer) {
    var text = '';
    new Uint8Array(buffer).forEach(function (byte) { text += String.fromCharCode(byte); });
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function decode(text) {
    var binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
  }
  function credentials(ids) {
    return ids.map(function (id) { return { type: 'public-key', id: decode(id) }; });
  }

  async function options(form) {
    var body = new URLSearchParams({ csrf: form.elements.csrf.value });
    var response = await fetch(form.dataset.options, { method: 'POST', body: body, credentials: 'same-origin' });
    if (!response.ok) throw new Error('the server answered ' + response.status);
    return response.json();
  }

  async function create(form, o) {
    var credential = await navigator.credentials.create({ publicKey: {
      challenge: decode(o.challenge),
      rp: { id: o.rpId, name: 'Latchkey' },
      user: { id: decode(o.userHandle), name: o.userName, displayName: o.userName },
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
      excludeCredentials: credentials(o.credentialIds),
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      attestation: 'none',
      timeout: 300000
    } });
    form.elements.client_data.value = encode(credential.response.clientDataJSON);
    form.elements.attestation.value = encode(credential.response.attestationObject);
  }

  async function get(form, o) {
    var credential = await navigator.credentials.get({ publicKey: {
      challenge: decode(o.challenge),
      rpId: o.rpId,
      allowCredentials: credentials(o.credentialIds),
      userVerification: 'required',
      timeout: 300000
    } });
    form.elements.credential_id.value = encode(credential.rawId);
    form.elements.client_data.value = encode(credential.response.clientDataJSON);
    form.elements.authenticator_data.value = encode(credential.response.authenticatorData);
    form.elements.signature.value = encode(credential.response.signature);
    form.elements.user_handle.value = credential.response.userHandle ? encode(credential.response.userHandle) : '';
  }

  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    form.hidden = false;
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      var status = form.querySelector('.passkey-status');
      try {
        var o = await options(form);
        if (form.dataset.passkey === 'create') await create(form, o); else await get(form, o);
        form.submit();
      } catch (error) {
        if (status) status.textContent = 'No passkey was used: ' + error.message;
      }
    });
  });
})();
