// Material's tooltips show an acronym's meaning on hover, and remove its
// title. Hover needs a mouse: an acronym that can take focus shows the same
// tooltip to keyboard users, and to touch users who tap it. Acronyms inside
// links are left alone (a link already takes focus), as are the glossary's,
// whose meaning is written beside them.
document.querySelectorAll(".md-typeset abbr:not(a abbr):not(.cohub-glossary abbr)").forEach((abbr) => {
  abbr.tabIndex = 0;
});
