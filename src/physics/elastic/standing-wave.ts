import { pWaveSpeed, sWaveSpeed, type Material } from './material.ts';

/**
 * An exact solution of the 2D plane-strain elastic wave equation ρ ü = ∇·σ on the unit square: the sum of a
 * standing P mode and a standing S mode, written through Helmholtz potentials
 *
 *   φ = a_p · sin(πx) sin(πy) · cos(ω_p t − θ),   ψ = a_s · sin(πx) sin(πy) · cos(ω_s t − θ),
 *   u = ∇φ + (∂ψ/∂y, −∂ψ/∂x).
 *
 * For a homogeneous isotropic medium ρ ü = (λ + 2μ) ∇(∇·u) − μ ∇×∇×u. The gradient part is curl-free and its
 * divergence is ∇²φ = −2π² φ, so it solves the equation when ω_p² = 2π² c_p²; the curl part is divergence-free
 * and solves it when ω_s² = 2π² c_s². Those are the dispersion relations used below (tests check the residual
 * by finite differences). The phase θ makes the initial velocity non-zero, so the IC velocity term matters.
 */
export interface StandingWaveOptions {
  readonly material: Material;
  /** Amplitudes of the P and S potentials (displacements are ~π·a). */
  readonly p_amplitude: number;
  readonly s_amplitude: number;
  /** Phase θ of both time factors, in radians. */
  readonly phase: number;
}

export class StandingWave {
  readonly omegaP: number;
  readonly omegaS: number;

  constructor(readonly options: StandingWaveOptions) {
    this.omegaP = Math.SQRT2 * Math.PI * pWaveSpeed(options.material);
    this.omegaS = Math.SQRT2 * Math.PI * sWaveSpeed(options.material);
  }

  /** Displacement (u_x, u_y) at (x, y, t). */
  displacement(x: number, y: number, t: number): [number, number] {
    return this.field(x, y, Math.cos(this.omegaP * t - this.options.phase), Math.cos(this.omegaS * t - this.options.phase));
  }

  /** Velocity (∂u_x/∂t, ∂u_y/∂t) at (x, y, t). */
  velocity(x: number, y: number, t: number): [number, number] {
    const { phase } = this.options;
    return this.field(x, y, -this.omegaP * Math.sin(this.omegaP * t - phase), -this.omegaS * Math.sin(this.omegaS * t - phase));
  }

  /** The spatial shapes of both modes, each times its time factor. */
  private field(x: number, y: number, timeP: number, timeS: number): [number, number] {
    const { p_amplitude: ap, s_amplitude: as } = this.options;
    const [sx, cx, sy, cy] = [Math.sin(Math.PI * x), Math.cos(Math.PI * x), Math.sin(Math.PI * y), Math.cos(Math.PI * y)];
    const p = Math.PI * ap * timeP;
    const s = Math.PI * as * timeS;
    return [p * cx * sy + s * sx * cy, p * sx * cy - s * cx * sy];
  }
}
