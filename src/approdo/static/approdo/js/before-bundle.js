// Bootstrap Italia bundles video.js, which injects a <style> element that the strict CSP
// refuses; Approdo shows no video players, so the injection is switched off.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
