// After a security key is registered the session has its second factor: go on to
// where the user was headed (the library's script only reports success).
document.addEventListener("otp_webauthn.register_complete", () => {
  const next = document.querySelector("input[name='next']");
  window.location.assign(next && next.value ? next.value : "/");
});
