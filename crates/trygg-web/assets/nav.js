// On a phone the navigation is one sideways-scrolling row: bring the current section into view.
document.querySelector("header.top nav [aria-current]")?.scrollIntoView({ block: "nearest", inline: "center" });
