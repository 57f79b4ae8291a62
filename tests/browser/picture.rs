//! What a screenshot shows, read from its pixels: its size, whether anything is drawn, and
//! where bands and lines of an exact colour are. It must not run the browser
//! (`chromium.rs`) nor say what a report should look like (the tests do).

use std::collections::BTreeSet;
use std::path::Path;

/// A colour, as the screenshot stores it.
pub type Rgb = [u8; 3];

/// A decoded screenshot: rows of pixels, top to bottom.
pub struct Picture {
    pub width: usize,
    pub height: usize,
    pixels: Vec<Rgb>,
}

impl Picture {
    /// Decodes the PNG at `path`, failing the test when it is not one.
    pub fn open(path: &Path) -> Picture {
        let file = std::fs::File::open(path).expect("the screenshot opens");
        let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader =
            decoder.read_info().unwrap_or_else(|e| panic!("{} is not a PNG: {e}", path.display()));
        let mut bytes = vec![0; reader.output_buffer_size().expect("a picture that fits in memory")];
        let info = reader
            .next_frame(&mut bytes)
            .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
        bytes.truncate(info.buffer_size());
        let pixels = match info.color_type {
            png::ColorType::Rgb => bytes.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect(),
            png::ColorType::Rgba => bytes.chunks_exact(4).map(|p| [p[0], p[1], p[2]]).collect(),
            png::ColorType::Grayscale => bytes.iter().map(|&g| [g, g, g]).collect(),
            png::ColorType::GrayscaleAlpha => bytes.chunks_exact(2).map(|p| [p[0], p[0], p[0]]).collect(),
            png::ColorType::Indexed => panic!("{}: palette left unexpanded", path.display()),
        };
        Picture { width: info.width as usize, height: info.height as usize, pixels }
    }

    /// A picture `width` pixels wide of `pixels`, row after row.
    pub fn new(width: usize, pixels: Vec<Rgb>) -> Picture {
        Picture { width, height: pixels.len() / width, pixels }
    }

    /// The pixel at column `x` of row `y`.
    pub fn at(&self, x: usize, y: usize) -> Rgb {
        self.pixels[y * self.width + x]
    }

    /// How many different colours the picture has.
    pub fn colours(&self) -> usize {
        self.pixels.iter().collect::<BTreeSet<_>>().len()
    }

    /// How many pixels are dark, as the cores of the letters of body text are: each channel
    /// below 128 (every grey that passes WCAG AA on white, `#767676` and darker, is).
    pub fn dark_pixels(&self) -> usize {
        self.pixels.iter().filter(|p| p.iter().all(|&c| c < 128)).count()
    }

    /// The bands of exactly `colour`: runs of consecutive rows in each of which pixels of
    /// that colour stretch over at least `min_width` pixels. A row's stretch joins runs of
    /// the colour across gaps of a few pixels (a line drawn across the band, a tick), as
    /// long as the colour fills nine tenths of it.
    pub fn bands(&self, colour: Rgb, min_width: usize) -> Vec<Band> {
        let mut bands: Vec<Band> = Vec::new();
        for y in 0..self.height {
            let Some((left, right)) = self.stretch(y, colour).filter(|(l, r)| r - l + 1 >= min_width) else {
                continue;
            };
            match bands.last_mut() {
                Some(band) if band.bottom + 1 == y => {
                    band.bottom = y;
                    band.left = band.left.min(left);
                    band.right = band.right.max(right);
                }
                _ => bands.push(Band { top: y, bottom: y, left, right }),
            }
        }
        bands
    }

    /// The widest stretch of `colour` in row `y`, as its first and last column.
    fn stretch(&self, y: usize, colour: Rgb) -> Option<(usize, usize)> {
        const GAP: usize = 8;
        let mut best: Option<(usize, usize, usize)> = None;
        let mut current: Option<(usize, usize, usize)> = None; // first, last, pixels of the colour
        for x in (0..self.width).filter(|&x| self.at(x, y) == colour) {
            current = match current {
                Some((first, last, n)) if x - last <= GAP + 1 => Some((first, x, n + 1)),
                _ => {
                    best = wider(best, current);
                    Some((x, x, 1))
                }
            };
        }
        let (first, last, _) = wider(best, current)?;
        Some((first, last))
    }

    /// The columns in which a vertical line of exactly `colour`, at least `min_width`
    /// pixels wide, runs through every row from `top` to `bottom`: the first of each such
    /// line's columns.
    pub fn vertical_lines(&self, colour: Rgb, min_width: usize, top: usize, bottom: usize) -> Vec<usize> {
        let full = |x: usize| (top..=bottom).all(|y| self.at(x, y) == colour);
        let columns: Vec<bool> = (0..self.width).map(full).collect();
        (0..self.width)
            .filter(|&x| {
                (x == 0 || !columns[x - 1]) && columns[x..].iter().take_while(|&&c| c).count() >= min_width
            })
            .collect()
    }
}

/// The wider of two stretches, if it is mostly (nine tenths) of the colour.
fn wider(
    a: Option<(usize, usize, usize)>,
    b: Option<(usize, usize, usize)>,
) -> Option<(usize, usize, usize)> {
    let solid = |s: &(usize, usize, usize)| s.2 * 10 >= (s.1 - s.0 + 1) * 9;
    let width = |s: &Option<(usize, usize, usize)>| s.filter(solid).map_or(0, |s| s.1 - s.0 + 1);
    if width(&b) > width(&a) { b.filter(solid) } else { a.filter(solid) }
}

/// A band of one colour: its first and last rows and columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    pub top: usize,
    pub bottom: usize,
    pub left: usize,
    pub right: usize,
}

impl Band {
    /// How many rows the band has.
    pub fn height(&self) -> usize {
        self.bottom - self.top + 1
    }

    /// How many columns it spans.
    pub fn width(&self) -> usize {
        self.right - self.left + 1
    }
}

/// The colour `#rrggbb`.
pub fn hex(colour: &str) -> Rgb {
    let channel = |i: usize| u8::from_str_radix(&colour[1 + 2 * i..3 + 2 * i], 16).expect("a hex colour");
    [channel(0), channel(1), channel(2)]
}
