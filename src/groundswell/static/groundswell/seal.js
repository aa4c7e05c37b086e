// Seals the ballot paper in the voter's browser (RFC 9180 HPKE on WebCrypto) and shows the
// tracker (SHA-256 of the sealed paper) before anything is sent. The cast request carries
// the sealed paper only, never the ranking. "Audit" reveals the ephemeral key material
// instead, so anyone can re-seal the ranking and check it gives exactly this paper; that
// paper is then thrown away and the vote sealed afresh. Without WebCrypto (or JavaScript)
// the form posts as before and the server seals the paper on receipt.
import * as HPKE from './vendor/hpke-1.1.7.js'

const form = document.getElementById('ballot-form')
const hex = (u) => Array.from(u, (b) => b.toString(16).padStart(2, '0')).join('')
const unhex = (h) => Uint8Array.from(h.match(/../g).map((x) => parseInt(x, 16)))
const b64 = (u) => btoa(String.fromCharCode(...u))

function rankingFromForm (n, method) {
  if (method === 'fptp') {
    const chosen = form.querySelector('input[name="choice"]:checked')
    if (!chosen) return { error: 'Choose one candidate.' }
    return { ranking: [Number(chosen.value)] }
  }
  const marks = []
  for (let p = 0; p < n; p++) {
    const v = form.querySelector(`[name="rank_${p}"]`)?.value
    if (v) marks.push([p, Number(v)])
  }
  const numbers = marks.map((m) => m[1]).sort((a, b) => a - b)
  if (!numbers.length) return { error: 'Put a 1 beside your first choice.' }
  const twice = numbers.find((x, i) => numbers[i + 1] === x)
  if (twice !== undefined) return { error: `You gave number ${twice} to more than one candidate: each number once, please.` }
  for (let i = 0; i < numbers.length; i++) {
    if (numbers[i] !== i + 1) return { error: `Number your choices 1, 2, 3… without gaps: nobody has number ${i + 1}.` }
  }
  return { ranking: marks.sort((a, b) => a[1] - b[1]).map((m) => m[0]) }
}

function encodeRanking (ranking, n) {
  const text = JSON.stringify(ranking)
  return new TextEncoder().encode(text.padEnd(4 * n + 2, ' '))
}

async function seal (publicKeyHex, info, plaintext) {
  const base = new HPKE.CipherSuite(HPKE.KEM_DHKEM_P256_HKDF_SHA256, HPKE.KDF_HKDF_SHA256, HPKE.AEAD_AES_128_GCM)
  const ikm = crypto.getRandomValues(new Uint8Array(32))
  const ephemeral = await base.DeriveKeyPair(ikm, false)
  // The suite's own KEM, told to use the ephemeral key derived from `ikm` (RFC 9180
  // DeriveKeyPair), so that revealing `ikm` lets anyone re-seal and compare.
  const kem = () => { const k = HPKE.KEM_DHKEM_P256_HKDF_SHA256(); k.GenerateKeyPair = async () => ephemeral; return k }
  const suite = new HPKE.CipherSuite(kem, HPKE.KDF_HKDF_SHA256, HPKE.AEAD_AES_128_GCM)
  const pk = await suite.DeserializePublicKey(unhex(publicKeyHex))
  const { encapsulatedSecret, ciphertext } = await suite.Seal(pk, plaintext, { info: new TextEncoder().encode(info) })
  const sealed = new Uint8Array(encapsulatedSecret.length + ciphertext.length)
  sealed.set(encapsulatedSecret)
  sealed.set(ciphertext, encapsulatedSecret.length)
  const tracker = hex(new Uint8Array(await crypto.subtle.digest('SHA-256', sealed)))
  return { sealed, tracker, ikm }
}

if (form && window.crypto && crypto.subtle) {
  const d = form.dataset
  const names = JSON.parse(d.candidates)
  const n = names.length
  const review = document.getElementById('sealed-review')
  const auditBox = document.getElementById('audit')
  const errorBox = document.getElementById('seal-error')
  let current = null

  async function sealAndShow (ranking) {
    current = { ranking, ...(await seal(d.publicKey, d.info, encodeRanking(ranking, n))) }
    review.querySelector('[data-testid="review-ranking"]').replaceChildren(
      ...ranking.map((p) => Object.assign(document.createElement('li'), { textContent: names[p] })))
    review.querySelector('[data-testid="tracker-preview"]').textContent = current.tracker
    form.hidden = true
    auditBox.hidden = true
    review.hidden = false
    review.querySelector('#cast-button').focus()
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const { ranking, error } = rankingFromForm(n, d.method)
    errorBox.textContent = error || ''
    errorBox.hidden = !error
    if (error) return
    try {
      await sealAndShow(ranking)
    } catch (e) {
      errorBox.textContent = 'Your browser could not seal the paper; it will be sealed by the server instead.'
      errorBox.hidden = false
      form.submit()
    }
  })

  document.getElementById('cast-button').addEventListener('click', () => {
    const castForm = document.getElementById('cast-form')
    castForm.querySelector('[name="sealed"]').value = b64(current.sealed)
    castForm.querySelector('[name="tracker"]').value = current.tracker
    castForm.submit()
  })

  document.getElementById('change-button').addEventListener('click', () => {
    current = null
    review.hidden = true
    form.hidden = false
  })

  document.getElementById('audit-button').addEventListener('click', () => {
    const paper = {
      format: 'groundswell-audited-paper/v1',
      ballot: Number(d.ballot),
      candidates: names,
      public_key: d.publicKey,
      info: d.info,
      ranking: current.ranking,
      ranking_names: current.ranking.map((p) => names[p]),
      ephemeral_ikm: hex(current.ikm),
      sealed: b64(current.sealed),
      tracker: current.tracker,
    }
    const text = JSON.stringify(paper, null, 2)
    auditBox.querySelector('[data-testid="audit-json"]').textContent = text
    const link = auditBox.querySelector('#audit-download')
    link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }))
    auditBox.querySelector('textarea[name="paper"]').value = text
    review.hidden = true
    auditBox.hidden = false
    current = { ranking: current.ranking } // this paper is spent: it will never be cast
  })

  document.getElementById('reseal-button').addEventListener('click', async () => {
    await sealAndShow(current.ranking)
  })
  form.dataset.sealing = 'ready' // the page seals from here on (tests wait for this)
}
