import { useState } from "react";
import { Link } from "../lib/router";

/**
 * The sample video on the landing page, drawn with CSS (four "photos" cross-fading with a slow zoom under a title
 * card) so that no video file ships in the bundle or the repository. It loops, so it has a pause button (WCAG 2.2.2),
 * and stands still under reduced motion.
 */
function SampleReel() {
  const [paused, setPaused] = useState(false);
  return (
    <figure className={`reel${paused ? " paused" : ""}`}>
      <div className="reel-screen" role="img" aria-label="A sample video: four holiday photos cross-fading with a slow zoom, under the title 'Summer by the sea'">
        <div className="reel-slide scene-beach" />
        <div className="reel-slide scene-hills" />
        <div className="reel-slide scene-city" />
        <div className="reel-slide scene-field" />
        <div className="reel-title">
          <span className="reel-title-main">Summer by the sea</span>
          <span className="reel-title-sub">July 2026</span>
        </div>
      </div>
      <div className="reel-bar">
        <button type="button" className="reel-toggle" aria-label={paused ? "Play the sample video" : "Pause the sample video"} onClick={() => setPaused(!paused)}>
          <span className={paused ? "reel-icon-play" : "reel-icon-pause"} aria-hidden="true" />
        </button>
        <span className="reel-track" aria-hidden="true">
          <span className="reel-progress" />
        </span>
        <span className="reel-time" aria-hidden="true">
          0:12
        </span>
      </div>
    </figure>
  );
}

const STEPS = [
  { title: "Upload", text: "Add photos from your phone or computer: JPEG, PNG, HEIC from an iPhone, and more." },
  { title: "Compose", text: "Pick and order the photos, then choose transitions, motion, a title, music and the shape of the video." },
  { title: "Share", text: "photoreel renders the video for you. Download it, or send a link that plays in any browser." },
];

/** The signed-out visitor's top bar: home, and the ways in. */
export function LandingBar() {
  return (
    <header className="landing-bar">
      <Link to="/" className="brand" aria-label="photoreel home">
        <span className="brand-mark" aria-hidden="true" />
        photoreel
      </Link>
      <nav className="landing-nav" aria-label="Account">
        <Link to="/signin">Sign in</Link>
        <Link to="/signup" className="button primary">
          Sign up
        </Link>
      </nav>
    </header>
  );
}

/** What a signed-out visitor sees at `/`: what photoreel does, a sample, and the ways in. */
export function Landing() {
  return (
    <div className="landing">
      <LandingBar />
      <main id="main" className="landing-main">
        <section className="hero" aria-labelledby="hero-title">
          <div className="hero-copy">
            <h1 id="hero-title" data-page-title tabIndex={-1}>
              Your photos, made into a video
            </h1>
            <p className="hero-lede">Upload the photos you love, pick a few, and photoreel turns them into a polished video with transitions, gentle motion, a title and music, ready to download or share.</p>
            <div className="hero-actions">
              <Link to="/signup" className="button primary large">
                Create a free account
              </Link>
              <Link to="/signin" className="button large">
                Sign in
              </Link>
            </div>
          </div>
          <SampleReel />
        </section>
        <ol className="steps" aria-label="How it works">
          {STEPS.map((s, i) => (
            <li key={s.title} className="step">
              <span className="step-number" aria-hidden="true">
                {i + 1}
              </span>
              <h2>{s.title}</h2>
              <p>{s.text}</p>
            </li>
          ))}
        </ol>
      </main>
    </div>
  );
}
