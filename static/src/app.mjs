// Your Place: the one JavaScript entry point.
//
// Built into static/dist/app.<hash>.js by scripts/build_assets.py (esbuild,
// ES module, minified). Loaded with <script type="module">, so browsers that
// cannot run it simply get the server-rendered pages, which work without JS.
//
// Content-Security-Policy is `script-src 'self'; style-src 'self'`: nothing
// here may inject inline scripts or styles or call eval. htmx is configured by
// the <meta name="htmx-config"> tag in the base template (includeIndicatorStyles
// false, allowEval false); its indicator CSS ships in scss/app.scss.

import htmx from 'htmx.org'
import {
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  NotificationBanner,
  Radios,
  ServiceNavigation,
  SkipLink,
  createAll,
  isSupported
} from 'govuk-frontend'

// Other code (and people debugging in the console) expect the global.
window.htmx = htmx

// GOV.UK templates set these classes with an inline <script> in <body>; the
// CSP forbids that, so do it here. `govuk-frontend-supported` is what
// isSupported() checks; `noModule` support is GOV.UK's own feature test.
document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
}

// Only the GOV.UK components the portal uses, to keep the bundle small.
const COMPONENTS = [
  SkipLink,
  ServiceNavigation,
  ErrorSummary,
  NotificationBanner,
  CharacterCount,
  Radios,
  Checkboxes
]

// A component that is already set up carries `data-<module-name>-init`, and
// creating it again throws an InitError. htmx swaps can hand us content whose
// components are already running, so that error is expected and ignored;
// anything else is logged, as GOV.UK's own createAll would.
function onError (error) {
  if (error && error.name === 'InitError') return
  console.log(error)
}

function initGovuk (scope) {
  if (!isSupported()) return
  for (const Component of COMPONENTS) {
    const name = Component.moduleName
    // createAll only searches inside the scope; an outerHTML swap can make
    // the swapped element itself a component root.
    if (
      scope instanceof HTMLElement &&
      scope.getAttribute('data-module') === name &&
      !scope.hasAttribute(`data-${name}-init`)
    ) {
      try {
        new Component(scope) // eslint-disable-line no-new
      } catch (error) {
        onError(error)
      }
    }
    createAll(Component, undefined, { scope, onError })
  }
}

// The page as served. Module scripts run after the document is parsed.
initGovuk(document)

// Every element htmx swaps in. htmx also fires this once for <body> when it
// starts; that is the page already initialised above, so skip it.
htmx.onLoad((element) => {
  if (element !== document.body) initGovuk(element)
})

// "Print this page" buttons are in the page hidden: they only work with JavaScript,
// so they appear only when it runs (without it, the page says to use the browser's
// print option).
function initPrintButtons (scope) {
  for (const button of scope.querySelectorAll('[data-yp-print]')) {
    if (button.dataset.ypPrintReady) continue
    button.dataset.ypPrintReady = 'true'
    button.hidden = false
    button.addEventListener('click', () => window.print())
  }
}

initPrintButtons(document)
htmx.onLoad((element) => {
  if (element !== document.body && element.querySelectorAll) initPrintButtons(element)
})

// Event tablet (templates/ideas/events/_tablet_bar.html): after a quiet spell, warn
// (role="alert") with an "I am still here" button, then press "Next person" so the next
// participant starts with a clear screen. While someone is using the page (typing an idea,
// say) the server is told, at most every 20 seconds, so its own two-minute reset (which
// works without JavaScript) does not clear the screen under them.
const idle = { bar: null, timers: [], lastPing: 0, ping: null }

function idleTimers () {
  for (const timer of idle.timers) clearTimeout(timer)
  idle.timers = []
}

function idleWarning (show) {
  const warning = idle.bar && idle.bar.querySelector('[data-yp-idle-warning]')
  if (!warning) return
  const alert = warning.querySelector('[data-yp-idle-alert]')
  if (show === !warning.hidden) return
  warning.hidden = !show
  alert.textContent = show ? alert.dataset.message : ''
}

function idlePing () {
  idle.ping = null
  idle.lastPing = Date.now()
  const form = idle.bar && idle.bar.querySelector('[data-yp-next-person]')
  if (!form) return
  fetch(idle.bar.dataset.ypIdlePing, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
    .then((response) => { if (response.redirected) window.location.assign(response.url) })
    .catch(() => {})
}

function idleTouch (ping = true) {
  if (!idle.bar) return
  idleTimers()
  idleWarning(false)
  const warn = Number(idle.bar.dataset.ypIdleWarn) * 1000
  const reset = Number(idle.bar.dataset.ypIdleReset) * 1000
  idle.timers.push(setTimeout(() => idleWarning(true), warn))
  idle.timers.push(setTimeout(() => {
    const form = idle.bar.querySelector('[data-yp-next-person]')
    if (form) form.requestSubmit()
  }, reset))
  if (ping && !idle.ping) {
    idle.ping = setTimeout(idlePing, Math.max(0, idle.lastPing + 20000 - Date.now()))
  }
}

function initIdle () {
  idle.bar = document.querySelector('[data-yp-idle]')
  idleTimers()
  if (!idle.bar) return
  // Loading the page was itself a request the server counted.
  idle.lastPing = Date.now()
  idleTouch(false)
}

for (const type of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart']) {
  document.addEventListener(type, () => idleTouch(), { passive: true, capture: true })
}
window.addEventListener('scroll', () => idleTouch(), { passive: true })
document.addEventListener('click', (event) => {
  if (event.target.closest && event.target.closest('[data-yp-still-here]')) idleTouch()
})
initIdle()
htmx.onLoad((element) => {
  if (element === document.body || element.querySelector('[data-yp-idle]') || !document.contains(idle.bar)) initIdle()
})
